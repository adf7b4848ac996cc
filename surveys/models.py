"""Surveys as data: a survey, its frozen versions and their questions, sends and responses.

A version's questions never change once anything has been sent on it: an edit
after that is a new version, so every answer keeps the question it answered.
"""

from django.conf import settings
from django.db import models

from accounts.models import Account, Contact
from core.causes import CausedModel


class QuestionKind(models.TextChoices):
    NPS = "nps", "NPS (0–10)"  # how likely to recommend
    CSAT = "csat", "Rating 1–5 (CSAT)"  # how satisfied
    CES = "ces", "Effort 1–7 (CES)"  # how easy it was
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    TEXT = "text", "Free text"


# The numeric scales: (lowest, highest, label of the lowest, label of the highest).
SCALES: dict[str, tuple[int, int, str, str]] = {
    QuestionKind.NPS: (0, 10, "Not at all likely", "Extremely likely"),
    QuestionKind.CSAT: (1, 5, "Very dissatisfied", "Very satisfied"),
    QuestionKind.CES: (1, 7, "Very difficult", "Very easy"),
}
CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE}


class Survey(models.Model):
    """A survey managers build; its questions live in versions (the newest is current)."""

    key = models.SlugField(max_length=64, unique=True, help_text="How playbooks name it.")
    name = models.CharField(max_length=120)
    # The shipped NPS survey: its NPS answer is the account's NPS (feedback, playbook b2,
    # happiness, reports), as the feedback form's was.
    records_nps = models.BooleanField(
        "Answers count as the account's NPS",
        default=False,
        help_text="Its NPS question feeds playbook b2 (happiness) and the NPS reports.",
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SurveyVersion(models.Model):
    """One frozen edition of a survey's texts and questions."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    intro = models.TextField(blank=True)
    thank_you = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["survey", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="survey_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.survey} v{self.number}"


class Question(models.Model):
    """One question of a version: its key names its answer in triggers and exports."""

    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=40)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    label = models.CharField(max_length=300)
    required = models.BooleanField(default=True)
    choices = models.JSONField(default=list, blank=True)  # the options of a choice question

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="question_key_once"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def scale(self) -> tuple[int, int, str, str] | None:
        return SCALES.get(self.kind)

    @property
    def scale_values(self) -> list[int]:
        """The answers a scale question offers, lowest first ([] for other kinds)."""
        if self.kind not in SCALES:
            return []
        low, high, *_ = SCALES[self.kind]
        return list(range(low, high + 1))

    @property
    def shows_optional_mark(self) -> bool:
        """Whether the answer form adds "(optional)": not when the label already says so
        (the shipped NPS and CSAT comments do), so a customer never reads it twice."""
        return not self.required and "(optional)" not in self.label.lower()


class SurveySend(CausedModel):
    """A survey sent to one contact: the link's nonce names it, and it holds one response."""

    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="sends")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="survey_sends")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="survey_sends")
    nonce = models.CharField(max_length=32, unique=True)
    # What sent it (e.g. a run's step key): the same cause sends a contact one survey.
    cause_key = models.CharField(max_length=200)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["cause_key", "contact"], name="survey_send_once")
        ]
        indexes = [models.Index(fields=["version", "created_at"])]

    def __str__(self) -> str:
        return f"{self.version} to {self.contact}"


class SurveyResponse(CausedModel):
    """A contact's answers to one send (or, for history, one NPS feedback form answer)."""

    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="responses")
    send = models.OneToOneField(
        SurveySend, null=True, blank=True, on_delete=models.CASCADE, related_name="response"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="survey_responses")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="survey_responses"
    )
    submitted_at = models.DateTimeField()
    # The account's NPS record this response made (records_nps) or came from (history).
    feedback = models.OneToOneField(
        "activity.Feedback",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_response",
    )

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["version", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.version}: {self.account}"


class SurveyAnswer(models.Model):
    """One question's answer: a number (scales), text, or the chosen options."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    number = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    chosen = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.question.key}: {self.value}"

    @property
    def value(self) -> object:
        """The answer as triggers and exports see it."""
        return answer_value(self.question.kind, self.number, self.text, self.chosen)


def answer_value(kind: str, number: int | None, text: str, chosen: list | tuple) -> object:
    """An answer as triggers, exports and conditions see it: a number for a scale, the
    option for a single choice, the options for a multiple choice, else the text."""
    if kind in SCALES:
        return number
    if kind == QuestionKind.SINGLE:
        return chosen[0] if chosen else ""
    if kind == QuestionKind.MULTIPLE:
        return list(chosen)
    return text
