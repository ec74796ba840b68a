"""seed_scale's bootcamp: a lead per geography, the default program, cohorts
spread over the hire dates, the enrollments of installers (some withdrawn,
a few of them retaking the geography's next cohort), their item states and
the check-off events and photos those states fold from.

The data set's "today" is `until`: cohorts that ended by then have run their
course (most enrollments done, some not), later ones are part-way. The
temporary tables scale_cohort and scale_enrol are read by
kpis/scale_seed_onboarding.py in the same transaction."""

from bootcamp.demo import load_default_program
from bootcamp.models import CheckoffEvent, Cohort, Enrollment, Evidence, Item, ItemState, Module, ProgramVersion
from installer_ops.models import Geography, Installer, Pod, User

from .scale_seed_field import reset_identity, u

T = {
    m.__name__: m._meta.db_table
    for m in (Geography, Pod, User, Installer, Cohort, Enrollment, Item, Module, ItemState, CheckoffEvent, Evidence)
}
T["CohortPods"] = Cohort.pods.through._meta.db_table
FIRST_COHORT_DAYS = 930  # before `until`: the earliest hire dates (scale_seed_field.py)


def working_day(start: str, n: str) -> str:
    """SQL: the n-th working day of a cohort starting on a weekday `start`
    (bootcamp.calendar.nth_working_day for weekday starts)."""
    return f"({start} + ({n} - 1) + 2 * ((extract(isodow FROM {start})::int - 1 + {n} - 1) / 5))"


def bootcamp(c, o: dict, until) -> ProgramVersion:
    """Returns the program version the cohorts follow."""
    c.execute(
        f"""
        INSERT INTO {T["User"]}
            (password, is_superuser, username, email, is_staff, is_active, date_joined, name, language)
        SELECT '!', false, 'lead-' || code, '', false, true, now(), 'Lead of ' || name, 'en'
        FROM {T["Geography"]} ORDER BY id"""
    )
    version = load_default_program()
    # Cohort k belongs to geography k mod 8 and is the rk-th of its
    # geography's, their starts evenly spread and moved off weekends.
    c.execute(
        f"""
        CREATE TEMP TABLE scale_cohort ON COMMIT DROP AS
        SELECT k, geo.id AS geography_id, lead.id AS lead_id, rk, start_on,
               {working_day("start_on", str(int(version.working_days)))} AS ends_on
        FROM (
            SELECT k, gi, rk, raw + CASE extract(isodow FROM raw) WHEN 6 THEN 2 WHEN 7 THEN 1 ELSE 0 END AS start_on
            FROM (
                SELECT k, gi, rk, %s::date - %s + (rk * (%s - 5)) / ((%s - gi + ng - 1) / ng) AS raw
                FROM (SELECT k, mod(k - 1, ng) AS gi, (k - 1) / ng AS rk, ng
                      FROM generate_series(1, %s) k, (SELECT count(*)::int AS ng FROM {T["Geography"]}) g) x
            ) y
        ) z
        JOIN (SELECT id, code, row_number() OVER (ORDER BY id) - 1 AS gi FROM {T["Geography"]}) geo ON geo.gi = z.gi
        JOIN {T["User"]} lead ON lead.username = 'lead-' || geo.code""",
        [until, FIRST_COHORT_DAYS, FIRST_COHORT_DAYS, o["cohorts"], o["cohorts"]],
    )
    c.execute(
        f"""
        INSERT INTO {T["Cohort"]} (id, name, program_version_id, start_on, lead_id, capacity, created_at)
        SELECT k, 'Scale cohort ' || k, %s, start_on, lead_id, 12, now() FROM scale_cohort ORDER BY k""",
        [version.pk],
    )
    reset_identity(c, T["Cohort"])
    c.execute(f"""
        INSERT INTO {T["CohortPods"]} (cohort_id, pod_id)
        SELECT sc.k, pod.id FROM scale_cohort sc JOIN {T["Pod"]} pod ON pod.geography_id = sc.geography_id
        ORDER BY sc.k, pod.id""")
    _enrollments(c, until)
    _item_states(c, version.pk, until)
    c.execute(f"""
        UPDATE {T["Cohort"]} co SET capacity = least(200, greatest(12, n.enrolled))
        FROM (SELECT cohort_id, count(*) AS enrolled FROM {T["Enrollment"]} GROUP BY cohort_id) n
        WHERE n.cohort_id = co.id""")
    return version


def _enrollments(c, until) -> None:
    """Each installer joins their geography's first cohort starting at least
    three days after their hire; one who leaves before it ends is withdrawn
    then; about one in twenty withdraws early and retakes the next cohort."""
    c.execute(
        f"""
        CREATE TEMP TABLE scale_enrol ON COMMIT DROP AS
        WITH base AS (
            SELECT i.id AS installer_id, i.user_id, i.left_on, c1.k AS c1, c1.start_on AS start1,
                   c1.ends_on AS ends1, c2.k AS c2, c2.start_on AS start2, c2.ends_on AS ends2,
                   {u("i.id", 11)} < 0.05 AND c2.k IS NOT NULL AND (i.left_on IS NULL OR i.left_on > c2.start_on)
                       AS retakes
            FROM {T["Installer"]} i JOIN {T["Pod"]} pod ON pod.id = i.pod_id
            CROSS JOIN LATERAL (
                SELECT k, rk, start_on, ends_on FROM scale_cohort sc
                WHERE sc.geography_id = pod.geography_id AND sc.start_on >= i.hired_on + 3
                ORDER BY sc.start_on, sc.k LIMIT 1) c1
            LEFT JOIN scale_cohort c2 ON c2.geography_id = pod.geography_id AND c2.rk = c1.rk + 1
            WHERE i.left_on IS NULL OR i.left_on > c1.start_on
        ), attempts AS (
            SELECT installer_id, user_id, left_on, 1 AS attempt, c1 AS k, start1 AS start_on, ends1 AS ends_on,
                   CASE WHEN left_on <= ends1 THEN left_on + time '12:00'
                        WHEN retakes THEN start1 + 2 + time '17:00' END AS withdrawn
            FROM base
            UNION ALL
            SELECT installer_id, user_id, left_on, 2, c2, start2, ends2,
                   CASE WHEN left_on <= ends2 THEN left_on + time '12:00' END
            FROM base WHERE retakes AND NOT COALESCE(left_on <= ends1, false)
        )
        SELECT row_number() OVER (ORDER BY installer_id, attempt) AS id, installer_id, user_id, attempt, k,
               start_on, ends_on, left_on, (start_on - 3 + time '09:00') AT TIME ZONE 'UTC' AS enrolled_at,
               withdrawn AT TIME ZONE 'UTC' AS withdrawn_at
        FROM attempts"""
    )
    c.execute(f"""
        INSERT INTO {T["Enrollment"]} (id, cohort_id, installer_id, enrolled_at, withdrawn_at)
        SELECT id, k, installer_id, enrolled_at, withdrawn_at FROM scale_enrol ORDER BY id""")
    reset_identity(c, T["Enrollment"])


def _item_states(c, version_id: int, until) -> None:
    """An item is checked on a working day of its module; most enrollments
    of a finished cohort do everything, the others about four items in five
    and some sign-offs and photos short. Nothing after `until` or after a
    withdrawal. States, events and photos come from one temporary table."""
    key = "e.id * 100000 + it.id"
    day = f"(m.first_day + floor({u(key, 21)} * (m.last_day - m.first_day + 1))::int)"
    c.execute(
        f"""
        CREATE TEMP TABLE scale_state ON COMMIT DROP AS
        SELECT * FROM (
            SELECT enrollment_id, item_id, installer_id, user_id, lead_id, checked_at, k,
                   CASE WHEN needs_signoff AND (completer OR r_sign < 0.7)
                        THEN checked_at + interval '1 day' * (1 + 2 * r_sign) END
                       AS signed_at,
                   needs_evidence AND (completer OR r_photo < 0.9) AS evidence, stop_at
            FROM (
                SELECT e.id AS enrollment_id, it.id AS item_id, e.installer_id, e.user_id, sc.lead_id, e.k,
                       it.needs_signoff, it.needs_evidence, {u("e.id", 23)} < 0.88 AS completer,
                       {u(key, 24)} AS r_keep, {u(key, 25)} AS r_sign, {u(key, 26)} AS r_photo,
                       LEAST(e.withdrawn_at, (%s::date + 1)::timestamp AT TIME ZONE 'UTC') AS stop_at,
                       ({working_day("e.start_on", day)}
                        + time '09:00' + {u(key, 22)} * interval '8 hours') AT TIME ZONE 'UTC' AS checked_at
                FROM scale_enrol e JOIN scale_cohort sc ON sc.k = e.k
                CROSS JOIN {T["Item"]} it JOIN {T["Module"]} m ON m.id = it.module_id AND m.version_id = %s
            ) s
            WHERE checked_at < stop_at AND (completer OR r_keep < 0.8)
        ) t""",
        [until, version_id],
    )
    c.execute("UPDATE scale_state SET signed_at = NULL WHERE signed_at >= stop_at")
    check_id = "md5('scale-check-' || enrollment_id || '-' || item_id)::uuid"
    c.execute(f"""
        INSERT INTO {T["ItemState"]} (enrollment_id, item_id, checked, signed_off, rejection_comment, changed_at,
                                     checked_event, evidence_received)
        SELECT enrollment_id, item_id, true, signed_at IS NOT NULL, '', COALESCE(signed_at, checked_at), {check_id},
               evidence
        FROM scale_state ORDER BY enrollment_id, item_id""")
    c.execute(f"""
        INSERT INTO {T["CheckoffEvent"]} (id, enrollment_id, item_id, type, actor_id, device_id, device_seq,
                                         occurred_at, received_at, effective_at, comment)
        SELECT {check_id}, enrollment_id, item_id, 'item.checked', user_id, 'scale-tablet-' || installer_id, NULL::int,
               checked_at, checked_at, checked_at, ''
        FROM scale_state
        UNION ALL
        SELECT md5('scale-signoff-' || enrollment_id || '-' || item_id)::uuid, enrollment_id, item_id,
               'item.signed_off', lead_id, '', NULL, signed_at, signed_at, signed_at, ''
        FROM scale_state WHERE signed_at IS NOT NULL""")
    photo_id = "md5('scale-photo-' || enrollment_id || '-' || item_id)"
    c.execute(f"""
        INSERT INTO {T["Evidence"]} (id, event_id, enrollment_id, item_id, file, content_type, size, sha256,
                                    taken_at, uploaded_by_id, received_at)
        SELECT {photo_id}::uuid, {check_id}, enrollment_id, item_id, 'scale/' || {photo_id} || '.jpg', 'image/jpeg',
               180000, {photo_id} || {photo_id}, checked_at, user_id, checked_at + interval '2 minutes'
        FROM scale_state WHERE evidence""")
