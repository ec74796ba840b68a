"""seed_scale's hiring: every installer with a hiring source was hired
through a requisition of their pod (the candidate that filled it, hired a
few weeks before the start date, and two to seven others who stopped at
some stage); each pod also has one requisition still open near `until`
with candidates in the pipeline. Stage changes go one step at a time, from
"" to applied first, as hiring's services append them.

Requisitions and candidates take ids of our own (a filled requisition the
id of the installer it hired, its candidates ten times that plus a number)
so that the statements need no lookups; the sequences follow them after."""

from hiring.models import Candidate, Requisition, StageChange
from installer_ops.models import Installer, Pod, User

from .scale_seed_field import SOURCES, reset_identity, u

T = {m.__name__: m._meta.db_table for m in (Installer, Pod, User, Requisition, Candidate, StageChange)}
PIPELINE = "ARRAY['applied', 'screen', 'practical', 'interview', 'offer', 'hired']"
HIRED_RANK = 5


def furthest(key: str, salt: int) -> str:
    """How far a candidate who was not hired got (0 applied .. 4 offer)."""
    r = u(key, salt)
    return (
        f"(CASE WHEN {r} < 0.45 THEN 0 WHEN {r} < 0.7 THEN 1 WHEN {r} < 0.85 THEN 2 WHEN {r} < 0.95 THEN 3 ELSE 4 END)"
    )


def hiring(c, until) -> None:
    c.execute(
        f"""
        CREATE TEMP TABLE scale_hire ON COMMIT DROP AS
        SELECT installer_id, pod_id, source, name, hired_at, applied_on,
               applied_on - floor({u("installer_id", 53)} * 20)::int AS opened_on
        FROM (
            SELECT i.id AS installer_id, i.pod_id, i.hiring_source AS source, usr.name, hired_at,
                   (hired_at AT TIME ZONE 'UTC')::date - (10 + floor({u("i.id", 52)} * 60))::int AS applied_on
            FROM {T["Installer"]} i JOIN {T["User"]} usr ON usr.id = i.user_id,
                 LATERAL (SELECT (i.hired_on - (5 + floor({u("i.id", 51)} * 25))::int + time '11:00')
                                 AT TIME ZONE 'UTC' AS hired_at) h
            WHERE i.hiring_source <> ''
        ) x"""
    )
    c.execute(
        f"""
        INSERT INTO {T["Requisition"]} (id, pod_id, role, level, opened_on, fill_by, status, created_at)
        SELECT installer_id, pod_id, 'installer', 1, opened_on, opened_on + 60, 'open', now() FROM scale_hire
        UNION ALL
        SELECT (SELECT max(id) FROM {T["Installer"]}) + p.n, p.id, 'installer', 1, %s::date - 20 - mod(p.n, 20)::int,
               %s::date + 40, 'open', now()
        FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM {T["Pod"]}) p
        ORDER BY 1""",
        [until, until],
    )
    reset_identity(c, T["Requisition"])
    # The candidates: (id, requisition, name, email, source, applied on,
    # furthest rank, final stage, days per step, hired at, installer).
    others = f"""
        SELECT r.id * 10 + k, r.id, 'Candidate ' || (r.id * 10 + k), 'candidate-' || (r.id * 10 + k) || '@example.com',
               ({SOURCES})[1 + floor({u("r.id * 10 + k", 54)} * 9)::int],
               r.opened_on + floor({u("r.id * 10 + k", 55)} * CASE WHEN r.open THEN 15 ELSE 25 END)::int,
               {furthest("r.id * 10 + k", 56)},
               CASE WHEN r.open AND {u("r.id * 10 + k", 57)} < 0.6 THEN NULL
                    WHEN {u("r.id * 10 + k", 58)} < 0.7 THEN 'rejected' ELSE 'withdrawn' END,
               CASE WHEN r.open THEN 1 ELSE 4 END, NULL::timestamptz, NULL::bigint
        FROM (SELECT id, opened_on, status = 'open' AND id NOT IN (SELECT installer_id FROM scale_hire) AS open
              FROM {T["Requisition"]}) r,
             generate_series(1, 7) k
        WHERE k <= 2 + floor({u("r.id", 59)} * 6)"""
    c.execute(f"""
        CREATE TEMP TABLE scale_cand ON COMMIT DROP AS
        SELECT * FROM (
            SELECT installer_id * 10 AS id, installer_id AS req_id, name,
                   'hire-' || installer_id || '@example.com' AS email,
                   source, applied_on, {HIRED_RANK} AS furthest, 'hired' AS final, 0 AS step_days, hired_at,
                   installer_id
            FROM scale_hire
            UNION ALL {others}
        ) x""")
    # An open candidate stands at their furthest stage; the others left it.
    c.execute(f"""
        INSERT INTO {T["Candidate"]} (id, requisition_id, name, email, source, stage, applied_on, stage_changed_at,
                                     installer_id, created_at)
        SELECT id, req_id, name, email, source, COALESCE(final, ({PIPELINE})[furthest + 1]), applied_on,
               COALESCE(hired_at, ((applied_on + step_days * (furthest + CASE WHEN final IS NULL THEN 0 ELSE 1 END))
                                   + time '16:00') AT TIME ZONE 'UTC'),
               installer_id, now()
        FROM scale_cand ORDER BY id""")
    reset_identity(c, T["Candidate"])
    c.execute(f"""
        INSERT INTO {T["StageChange"]} (candidate_id, from_stage, to_stage, reason, at)
        SELECT ca.id, CASE WHEN j = 0 THEN '' ELSE ({PIPELINE})[j] END, ({PIPELINE})[j + 1], '',
               CASE WHEN ca.hired_at IS NULL THEN ((ca.applied_on + ca.step_days * j) + time '10:00') AT TIME ZONE 'UTC'
                    ELSE ca.hired_at - (ca.hired_at - (ca.applied_on + time '10:00') AT TIME ZONE 'UTC') * (5 - j) / 5
               END
        FROM scale_cand ca, generate_series(0, {HIRED_RANK}) j
        WHERE j <= ca.furthest
        UNION ALL
        SELECT ca.id, ({PIPELINE})[ca.furthest + 1], ca.final, '',
               ((ca.applied_on + ca.step_days * (ca.furthest + 1)) + time '16:00') AT TIME ZONE 'UTC'
        FROM scale_cand ca WHERE ca.final IN ('rejected', 'withdrawn')
        ORDER BY 1, 5""")
    c.execute(f"""
        UPDATE {T["Requisition"]} r SET status = 'filled', filled_by_id = h.installer_id * 10
        FROM scale_hire h WHERE h.installer_id = r.id""")
