from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def language_links(request):
    """Links to this page in each language. Plain links, rather than a form that posts,
    so that reading the site sets no cookie on the reader's device."""
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translate_url(request.get_full_path(), code),
                "current": code == current,
            }
        )
    return {"language_links": links}


# Which header link a page belongs under, by its URL name.
SECTIONS = {
    "prisoners:list": "prisoners",
    "prisoners:detail": "prisoners",
    "prisoners:cases": "cases",
    "prisoners:case": "cases",
    "campaigns:list": "campaigns",
    "campaigns:detail": "campaigns",
    "campaigns:petition": "campaigns",
    "campaigns:thanks": "campaigns",
    "campaigns:confirm": "campaigns",
    "campaigns:letter": "campaigns",
    "campaigns:message": "prisoners",
    "declarations:list": "declarations",
    "declarations:detail": "declarations",
    "declarations:parliamentarian": "declarations",
    "declarations:pledge": "declarations",
    "declarations:godparent": "declarations",
    "campaigns:withdraw": "campaigns",
    "prisoners:upcoming": "upcoming",
}
SECTION_HOMES = {
    "prisoners": "prisoners:list",
    "cases": "prisoners:cases",
    "campaigns": "campaigns:list",
    "declarations": "declarations:list",
    "upcoming": "prisoners:upcoming",
}


def navigation(request):
    """The header's current section: aria-current="page" on the section's own list, "true"
    on a page inside it (a profile, a petition, a declaration), nothing elsewhere. The
    header draws either as the current section (class "current-section")."""
    match = getattr(request, "resolver_match", None)
    view = match.view_name if match else ""
    section = SECTIONS.get(view)
    current = {name: "" for name in SECTION_HOMES}
    if section:
        current[section] = "page" if SECTION_HOMES[section] == view else "true"
    return {"nav_current": current}


def organisation(request):
    """Who runs the site (settings.ORGANISATION_*): the footer's contact and the privacy
    notice's controller."""
    return {
        "organisation": {
            "name": settings.ORGANISATION_NAME,
            "email": settings.ORGANISATION_EMAIL,
            "address": settings.ORGANISATION_ADDRESS,
        }
    }
