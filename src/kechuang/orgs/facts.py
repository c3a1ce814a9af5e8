"""Facts about an enterprise that one domain app records and another reads.

Declared here, in the base domain, so that neither app imports the other
(docs/architecture.md § Layers): cultivation supplies the registered tech SMEs, assessment
supplies the stored evaluation results; each reads the other's through these providers.
"""

from __future__ import annotations

from kechuang.core.providers import Provider

registered_tech_smes = Provider(
    "registered_tech_smes",
    "() → queryset of tech SME registrations (入库) in force, with enterprise_id and year")

latest_evaluations = Provider(
    "latest_evaluations",
    "(*, enterprise_ids, year, rule) → {enterprise_id: latest stored evaluation result}")
