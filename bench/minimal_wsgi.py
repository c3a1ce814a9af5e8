"""The lists benchmark's baseline: the site's WSGI application plus one minimal list view.

gunicorn serves ``minimal_wsgi:application`` (``--pythonpath bench``) in the benchmark, so the
baseline and the real list pages share one process, one middleware stack (session, login,
CSP…) and one database. ``/bench/minimal/enterprises/`` runs the enterprise list's three
queries — the page, the count and the chains prefetch — and writes the same 50 rows as plain
HTML with string joins: no template engine, no form, no navigation. What a list page costs
beyond that is what the benchmark's ratio shows.
"""

from __future__ import annotations

import os
from html import escape

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (after setup)
from django.contrib.auth.decorators import login_required  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.urls import include, path  # noqa: E402

from kechuang.orgs import selectors  # noqa: E402

PAGE_SIZE = 50


@login_required
def minimal_enterprise_list(request: HttpRequest) -> HttpResponse:
    """Same rows as /enterprises/ (restrict(), name order, chains), written by hand."""
    qs = selectors.with_chains(selectors.enterprise_list(user=request.user, action="view"))
    total = qs.count()
    rows = list(qs[:PAGE_SIZE])
    out = ["<!doctype html><html><body><table><tbody>"]
    for e in rows:
        chains = ", ".join(escape(m.chain.name) for m in e.chain_memberships.all())
        out.append(
            f'<tr><td><a href="/enterprises/{e.pk}/">{escape(e.name)}</a>'
            f"<div>{escape(e.credit_code)}</div></td><td>{escape(e.county.name)}</td>"
            f"<td>{escape(e.get_industry_code_display())}</td><td>{escape(e.get_tier_display())}"
            f"</td><td>{chains}</td><td>{e.established_on or ''}</td>"
            f"<td>{e.updated_at:%Y-%m-%d %H:%M}</td></tr>")
    out.append(f"</tbody></table><p>{total}</p></body></html>")
    return HttpResponse("".join(out))


urlpatterns = [
    path("bench/minimal/enterprises/", minimal_enterprise_list),
    path("", include(settings.ROOT_URLCONF)),
]
settings.ROOT_URLCONF = __name__  # the site's routes, plus the one above
