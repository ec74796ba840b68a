"""Consent completion (docs/product.md, KPIs): of the installs whose first
visit falls in the period (the periods of first-time install success), the
share with a complete consent record of the flow version current when it was
recorded (onboarding/consent_records.py says what `complete` and
`superseded` mean). A record names its install by the field data's id
(`install_ref` = the install's `external_id`): records of installs not
imported count nowhere, and an install counts once however many records it
has. One grouped SQL statement per scope level, like the other KPIs."""

from .aggregates import Context, Figure, grouped, periodise, vendor
from .first_time_kpis import FIRST_VISITS_TABLE
from .periods import Period
from .tables import T_CONSENT_RECORD, T_INSTALL, T_POD, T_VISIT

CONSENT_TABLE = "kpi_consent_installs"


def consent_by_install_sql(*, ranked: bool = False) -> str:
    """One row per install id named by a record (several records count once):
    whether one of them is complete and current. `ranked`: only the installs
    of the ranked first visits (kpis_compute's temporary table), which a
    refresh narrows to a few periods' installs."""
    among = f"WHERE install_ref IN (SELECT external_id FROM {FIRST_VISITS_TABLE})" if ranked else ""  # noqa: S608
    return f"""
        SELECT install_ref, MAX(CASE WHEN complete AND NOT superseded THEN 1 ELSE 0 END) AS ok
        FROM {T_CONSENT_RECORD} {among} GROUP BY install_ref"""  # noqa: S608


def consent_firsts_sql(firsts: str, *, ranked: bool = False) -> str:
    """Each install's first visit (`firsts`: rows of install_id, first_at,
    pod_id, external_id) with its consent: `ok` (a complete, current record)
    and `recorded` (any record). On PostgreSQL kpis_compute stores it once
    for every grain (CONSENT_TABLE), so that no grain joins the records again."""
    return f"""
        SELECT fi.install_id, fi.first_at, fi.pod_id, COALESCE(c.ok, 0) AS ok, c.install_ref IS NOT NULL AS recorded
        FROM {firsts} fi LEFT JOIN ({consent_by_install_sql(ranked=ranked)}) c ON c.install_ref = fi.external_id"""  # noqa: S608


def consent_query(periods: list[Period], ctx: Context):
    """build(Scopes) -> installs with a complete, current record; installs first visited; those with no record."""
    ps = periodise(periods, "f.first_at", dates=False)
    if vendor() == "postgresql" and ctx.prepared:
        # kpis_compute gathered each ranked install's consent once for every grain.
        firsts = f"f AS (SELECT * FROM {CONSENT_TABLE})"  # noqa: S608 - our table
    else:
        first_visits = f"""(
            SELECT fv.install_id, fv.first_at, ins.pod_id, ins.external_id
            FROM (SELECT install_id, MIN(visited_at) AS first_at FROM {T_VISIT} GROUP BY install_id) fv
            JOIN {T_INSTALL} ins ON ins.id = fv.install_id)"""  # noqa: S608
        firsts = f"f AS ({consent_firsts_sql(first_visits)})"

    def build(sc):
        return (
            f"""
            {ps.with_ctes(firsts)}
            SELECT {ps.key}, {sc.select},
                   SUM(f.ok),
                   COUNT(*),
                   SUM(CASE WHEN f.recorded THEN 0 ELSE 1 END)
            FROM f {ps.join}
            JOIN {T_POD} pod ON pod.id = f.pod_id
            WHERE {ps.where}
            {sc.group}
        """,  # noqa: S608 - table and column names are ours; values are parameters
            ps.params(),
        )

    return build


def consent_completion(periods: list[Period], scopes: list[str], ctx: Context) -> dict:
    """Installs with at least one complete, current consent record, over the
    installs first visited in the period; `no_record` counts those with no
    record at all (the others have only incomplete or outdated ones)."""
    return {
        (scope, start, sid): Figure(consented, installs, details={"no_record": no_record})
        for scope, start, sid, (consented, installs, no_record) in grouped(consent_query(periods, ctx), scopes)
    }


def consent_empty_details() -> dict:
    return {"no_record": 0}
