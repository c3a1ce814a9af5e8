"""Self-assessment, what-if and batch evaluation through the policy engine."""

from django.utils.translation import gettext_lazy as _

from kechuang.accounts.access import is_enterprise_user
from kechuang.assessment.panels import enterprise_action_context
from kechuang.core.manifests import Manifest, MenuEntry, Panel

MANIFEST = Manifest(
    app="assessment",
    url_prefix="assessment/",
    api="kechuang.assessment.api",
    panels=(
        Panel(
            "enterprise_actions",
            "assessment/partials/enterprise_action.html",
            enterprise_action_context,
            order=10,
        ),
    ),
    metrics=("kechuang.assessment.metrics",),
    jobs=("kechuang.assessment.jobs",),
    menu=(
        MenuEntry(
            "action4",
            _("自评"),
            "assessment:home",
            "clipboard-check",
            visible=is_enterprise_user,
            order=40,
        ),
        MenuEntry(
            "action4",
            _("批量测评"),
            "assessment:home",
            "clipboard-data",
            model="assessment.EvaluationResult",
            action="add",
            order=50,
        ),
    ),
)
