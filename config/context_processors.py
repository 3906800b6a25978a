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
