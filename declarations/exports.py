"""Declarations out of the database: the signatory list as the assembly prints it."""


def signatories_pace_layout(*, declaration):
    """The signatory list as PACE prints it: "SURNAME First, Country, GROUP" lines, the total
    and the legend of the groups that appear."""
    signatures = (
        declaration.signatories.signed()
        .select_related("parliamentarian", "delegation_at_signing", "group_at_signing")
        .order_by("position", "parliamentarian__surname")
    )
    lines, groups = [], {}
    for signature in signatures:
        member = signature.parliamentarian
        parts = [f"{member.surname} {member.given_names}", signature.delegation_at_signing.name]
        if signature.group_at_signing:
            parts.append(signature.group_at_signing.code)
            groups[signature.group_at_signing.code] = signature.group_at_signing.name
        lines.append(", ".join(parts))
    lines += ["", f"Total = {len(signatures)}", ""]
    lines += [f"{code}: {name}" for code, name in sorted(groups.items())]
    return "\n".join(lines) + "\n"
