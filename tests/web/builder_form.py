"""Posting the playbook builder's form as a browser would: every field as the page
renders it (inputs, checked boxes, chosen options, text areas), then what the test
changes, and the button it presses."""

from html.parser import HTMLParser

from django.urls import reverse


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.select: str | None = None
        self.select_value: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button"}:
            if attrs.get("type") in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
            else:
                self.fields.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self.select, self.select_value, self.first_option = name, None, None
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if self.first_option is None:
                self.first_option = value
            if "selected" in attrs:
                self.select_value = value
        elif tag == "textarea" and name:
            self.textarea, self.text = name, []

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            value = self.select_value if self.select_value is not None else self.first_option
            self.fields.append((self.select, value or ""))
            self.select = None
        elif tag == "textarea" and self.textarea:
            text = "".join(self.text)
            self.fields.append((self.textarea, text[1:] if text.startswith("\n") else text))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.text.append(data)


def form_of(response) -> dict[str, str]:
    """The builder form's fields and values, as the page shows them."""
    reader = _FormReader()
    html = response.content.decode()
    start = html.index('data-testid="workflow-form"')
    reader.feed(html[start : html.index("</form>", start)])
    return dict(reader.fields)


def submit(client, workflow, data: dict | None = None, *, op: str = "", **changes):
    """Load the editor, change fields, press a button (`op`, else Save and publish)."""
    url = reverse("workflows:edit", args=[workflow.pk])
    fields = data if data is not None else form_of(client.get(url))
    fields = {**fields, **changes}
    if op:
        fields["op"] = op
    return client.post(url, fields)


def field_named(fields: dict, suffix: str, *, nth: int = 0) -> str:
    """The name of the `nth` field whose name ends with `suffix` (e.g. "-tag")."""
    names = [name for name in fields if name.endswith(suffix)]
    return names[nth]


def edit_form(client, workflow, **changes) -> dict:
    """The editor's fields as the page shows them for `workflow`, with `changes` applied."""
    return {**form_of(client.get(reverse("workflows:edit", args=[workflow.pk]))), **changes}


def builder_data(workflow, *, steps: list, conditions: list | None = None, **changes) -> dict:
    """What the builder posts for a workflow with these steps and conditions, as if a
    manager had built them field by field (each step kind's typed fields)."""
    import json

    from workflows.builder import registry, tree
    from workflows.builder.conditions import ConditionForm

    conditions = conditions if conditions is not None else []
    goal = workflow.goal or {}
    built, shown = tree.build(conditions, steps, goal.get("conditions") or [])
    data = {
        "name": workflow.name,
        "description": workflow.description,
        "trigger": workflow.trigger,
        "goal-event": goal.get("event", ""),
        "next-id": str(built.next_id),
    }
    for key, nodes in built.lists.items():
        data[f"order-{key}"] = ",".join(nodes)
    for node, action in built.actions.items():
        data[f"{node}-action"] = action
        initial = registry.form_class(action).initial_for(shown[node])
        for name, value in initial.items():
            if isinstance(value, (dict, list)):
                value = json.dumps(value)
            if value not in (None, False):
                data[f"{node}-{name}"] = "on" if value is True else str(value)
    for node, values in shown.items():
        if node.startswith("c"):
            for name, value in ConditionForm.initial_for(values).items():
                data[f"{node}-{name}"] = value
        elif node.startswith("p"):
            data[f"{node}-name"] = values.get("name", "")
    return {**data, **changes}
