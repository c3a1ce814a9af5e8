"""Self-assessment, what-if and batch evaluation through the policy engine."""

from kechuang.assessment.panels import enterprise_action_context
from kechuang.core.manifests import Manifest, Panel

MANIFEST = Manifest(
    app="assessment",
    url_prefix="assessment/",
    api="kechuang.assessment.api",
    panels=(Panel("enterprise_actions", "assessment/partials/enterprise_action.html",
                  enterprise_action_context, order=10),),
    metrics=("kechuang.assessment.metrics",),
    jobs=("kechuang.assessment.jobs",),
)
