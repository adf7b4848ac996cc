"""The default texts only use data their playbooks' triggers carry."""

import re

import pytest

from notifications.catalogue import default_templates
from workflows.catalogue import default_playbooks
from workflows.triggers import BY_KEY

TEMPLATES = {t["key"]: t for t in default_templates()}
USES = [
    (playbook["key"], playbook["trigger"], step["params"]["template"])
    for playbook in default_playbooks()
    for step in playbook["steps"]
    if "template" in step["params"]
]


@pytest.mark.parametrize(("playbook", "trigger", "template"), USES)
def test_every_data_field_a_default_text_uses_is_carried_by_its_trigger(
    playbook, trigger, template
):
    text = " ".join(TEMPLATES[template][part] for part in ("subject", "body_text", "body_html"))
    used = set(re.findall(r"data\.(\w+)", text))
    carried = set(BY_KEY[trigger].carries)
    assert used <= carried, f"{template} in {playbook} uses {sorted(used - carried)}"
