"""The declarations' staff pages: assemblies and their members; declarations with their
signatories and the import of published texts."""

from . import declarations, godparents, members, signatories  # noqa: F401
