"""The builder's forms: the survey's texts and one form per question (a formset).

They only read what was typed; the definition as a whole (keys unique, options
for a choice question, at least one question) is checked by building.parse_definition.
"""

from django import forms

from .models import QuestionKind, Survey


class SurveyForm(forms.Form):
    name = forms.CharField(max_length=Survey._meta.get_field("name").max_length)
    key = forms.SlugField(
        max_length=64, help_text="How playbooks name it (send survey step), e.g. onboarding."
    )
    intro = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Intro text"
    )
    thank_you = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Thank-you text"
    )
    records_nps = forms.BooleanField(
        required=False,
        label="Its NPS answer is the account's NPS (playbook b2, happiness, reports)",
    )


class QuestionForm(forms.Form):
    label = forms.CharField(max_length=300, label="Question")
    kind = forms.ChoiceField(choices=QuestionKind.choices, label="Kind")
    key = forms.CharField(
        max_length=40, label="Key", help_text="data.answers.<key> in playbook conditions"
    )
    required = forms.BooleanField(required=False, initial=True, label="Required")
    choices = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Options (one a line)",
    )


QuestionFormSet = forms.formset_factory(
    QuestionForm, extra=0, can_order=True, can_delete=True, max_num=30, validate_max=True
)


def definition_from(survey_form: SurveyForm, questions) -> dict:
    """The raw definition the forms hold: questions in their order, removed ones left out."""
    rows = [
        form.cleaned_data
        for form in questions.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
    rows.sort(key=lambda row: row.get("ORDER") or 0)
    return {
        **survey_form.cleaned_data,
        "questions": [
            {
                "key": row["key"],
                "kind": row["kind"],
                "label": row["label"],
                "required": row["required"],
                "choices": row.get("choices", ""),
            }
            for row in rows
        ],
    }


def initial_questions(definition: dict) -> list[dict]:
    """A definition's questions as the formset's initial data."""
    return [
        {**q, "choices": "\n".join(q.get("choices") or []), "ORDER": n}
        for n, q in enumerate(definition["questions"], 1)
    ]
