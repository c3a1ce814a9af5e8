"""Permission-matrix rows of sign-in, profile and account administration."""

from __future__ import annotations

from kechuang.tests.matrix import (
    ROLES,
    SIGNED_IN,
    Route,
)


def lockout(ctx, place):
    """A current lockout of county A's ("a") or county B's clerk ("b")."""
    from axes.models import AccessAttempt

    name = "county_a_staff" if place == "a" else "county_b_staff"
    a = AccessAttempt.objects.create(username=name, ip_address="10.0.0.9", user_agent="t",
                                     http_accept="*/*", path_info="/accounts/login/",
                                     get_data="", post_data="", failures_since_start=9)
    return {"pk": a.pk}


def account(ctx, place):
    return {"pk": ctx["users"]["county_a_staff" if place == "a" else "county_b_staff"].pk}


# In-app account administration (三权分立): lockouts are the security administrator's,
# accounts the system administrator's (the security administrator reads the list).


# In-app account administration (三权分立): lockouts are the security administrator's,
# accounts the system administrator's (the security administrator reads the list).
SYSADMIN = {"system_admin"}
SECADMIN = {"security_admin"}
ROUTES: dict[str, Route] = {
    "accounts:login": Route(allowed=set(ROLES), public=True, ok=(200, 302)),
    "accounts:logout": Route(allowed=set(ROLES), public=True, method="POST", ok=(200, 302)),
    "accounts:profile": Route(allowed=SIGNED_IN),
    "accounts:password_change": Route(allowed=SIGNED_IN),
    # two-factor pages: without an enrolled device the code page sends to the set-up page
    "accounts:otp_verify": Route(allowed=SIGNED_IN, ok=(200, 302)),
    "accounts:otp_setup": Route(allowed=SIGNED_IN),
    "accounts:lockout_list": Route(allowed=SECADMIN),
    # an empty POST has no reason: back to the list, nothing lifted
    "accounts:lockout_unlock": Route(allowed=SECADMIN, kwargs=lockout, method="POST",
                                     ok=(302,), scoped=False),
    "accounts:user_list": Route(allowed=SYSADMIN | SECADMIN),
    "accounts:user_add": Route(allowed=SYSADMIN, also_post=True),
    "accounts:user_edit": Route(allowed=SYSADMIN, kwargs=account, also_post=True,
                                scoped=False),
    "accounts:user_password": Route(allowed=SYSADMIN, kwargs=account, also_post=True,
                                    scoped=False),
}
