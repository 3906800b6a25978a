"""The audit trail: who changed what, when, from which value to which.

django-auditlog records every save and delete of the registered models (each app
registers its own in apps.py) with the old and new value of each field, and the staff
member who did it. What saving does not show is recorded here explicitly:

- admin actions, bulk or not, one entry per object, with the values before and after;
- every export of personal data, as one "access" entry naming what was exported;
- an erasure: the entries that held the supporter's data are deleted, and one entry says
  that an erasure happened, without the data.

The trail is read-only in the admin, and each entry is shown only to staff who may see the
object it is about.
"""

import functools

from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled, disable_auditlog
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import pre_save
from django.forms.models import model_to_dict
from django.utils.encoding import smart_str

from .permissions import can_see_personal_data

# The models whose trail is personal data: shown only with the personal-data permission.
PERSONAL_DATA_MODELS = {
    ("supporters", "supporter"),
    ("campaigns", "signature"),
    ("campaigns", "consent"),
    ("campaigns", "letter"),
}


def _snapshot(obj):
    return {
        name: str(value) if value is not None else None
        for name, value in model_to_dict(obj).items()
        if not isinstance(value, list | dict)
    }


def audited(action):
    """Wrap an admin action so that it is written to the audit trail: for each object it
    changed, the values before and after, the action's name and how many objects it was
    given; if it changed none, one entry on the model says it ran. The staff site wraps
    every action of every admin this way (core.admin_site). An action that writes its own
    entries (an erasure must not copy what it erases) sets `audit = False`."""
    if not getattr(action, "audit", True) or getattr(action, "audited", False):
        return action

    @functools.wraps(action)
    def wrapper(model_admin, request, queryset):
        objects = list(queryset)
        before = {obj.pk: _snapshot(obj) for obj in objects}
        response = action(model_admin, request, queryset)
        after = {
            obj.pk: _snapshot(obj)
            for obj in queryset.model._default_manager.filter(pk__in=list(before))
        }
        details = {"admin_action": action.__name__, "objects": len(objects)}
        changed = 0
        for obj in objects:
            old, new = before[obj.pk], after.get(obj.pk)
            if new == old:
                continue
            changes = {
                name: [old.get(name), (new or {}).get(name)]
                for name in old.keys() | (new or {}).keys()
                if old.get(name) != (new or {}).get(name)
            }
            LogEntry.objects.log_create(
                obj,
                force_log=True,
                action=LogEntry.Action.UPDATE if new is not None else LogEntry.Action.DELETE,
                changes=changes,
                actor=request.user,
                additional_data=details,
            )
            changed += 1
        if not changed:
            LogEntry.objects.create(
                content_type=ContentType.objects.get_for_model(queryset.model),
                object_pk="*",
                object_repr=f"{action.__name__} on {len(objects)} object(s)",
                action=LogEntry.Action.ACCESS,
                actor=request.user,
                additional_data=details,
            )
        return response

    wrapper.audited = True
    return wrapper


def record_created(instances, links=None):
    """One "create" entry for each of these objects, for objects created in bulk (which
    sends no signals): who created it, when, and what was created with it (`links`, by
    object: {"charges": [...]}). The field values are not copied into the entry: they are
    the object's own until its first change or deletion, whose entry records them as the
    values before. That keeps a 10,000-row import's trail to a few INSERTs, and leaves
    sensitive values in one place. The actor and request data come from the audit context
    as usual."""
    if auditlog_disabled.get():
        return []
    entries = []
    for instance in instances:
        if not auditlog.contains(type(instance)):
            continue
        entry = LogEntry(
            content_type=ContentType.objects.get_for_model(instance),
            object_pk=str(instance.pk),
            object_id=instance.pk if isinstance(instance.pk, int) else None,
            object_repr=smart_str(instance),
            action=LogEntry.Action.CREATE,
            changes={},
            cid=get_cid(),
        )
        for name, objects in ((links or {}).get(instance) or {}).items():
            if objects:
                entry.changes[name] = {
                    "type": "m2m",
                    "operation": "add",
                    "objects": [smart_str(obj) for obj in objects],
                }
        # auditlog fills in the actor and the request's details when an entry is saved.
        pre_save.send(sender=LogEntry, instance=entry, raw=False, using=None, update_fields=None)
        entries.append(entry)
    return LogEntry.objects.bulk_create(entries, batch_size=500)


def record_export(*, user, model, rows, what, file_format=""):
    """An export of personal data: one entry on the model's trail."""
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_pk="*",
        object_repr=f"{what}: {rows} row(s)",
        action=LogEntry.Action.ACCESS,
        actor=user if user and user.is_authenticated else None,
        additional_data={"export": what, "rows": rows, "format": file_format},
    )


def erase_trail(instances):
    """Delete the trail of these objects, which holds what an erasure must remove. Run
    inside the erasure's transaction, before the objects themselves are deleted."""
    by_type = {}
    for instance in instances:
        by_type.setdefault(ContentType.objects.get_for_model(instance), []).append(str(instance.pk))
    for content_type, pks in by_type.items():
        LogEntry.objects.filter(content_type=content_type, object_pk__in=pks).delete()


def record_erasure(*, model, pk, user=None, counts=None):
    """That an erasure happened, and of how much; nothing of what was erased."""
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_pk=str(pk),
        object_id=pk,
        object_repr=f"Erased {model._meta.verbose_name} #{pk}",
        action=LogEntry.Action.DELETE,
        actor=user if user and user.is_authenticated else None,
        additional_data={"erasure": True, **(counts or {})},
    )


def record_purge(*, model, what, rows):
    """That a scheduled purge deleted this many rows; nothing of what they held."""
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_pk="*",
        object_repr=f"Purged {rows} {what}",
        action=LogEntry.Action.DELETE,
        additional_data={"purge": what, "rows": rows},
    )


def visible_content_types(user):
    """The content types whose trail this staff member may read."""
    allowed = []
    for content_type in ContentType.objects.all():
        key = (content_type.app_label, content_type.model)
        if not user.has_perm(f"{key[0]}.view_{key[1]}"):
            continue
        if key in PERSONAL_DATA_MODELS and not can_see_personal_data(user):
            continue
        allowed.append(content_type.pk)
    return allowed


__all__ = [
    "audited",
    "disable_auditlog",
    "erase_trail",
    "record_created",
    "record_erasure",
    "record_export",
    "record_purge",
    "visible_content_types",
]
