"""seed_scale's organisation and field data: geographies, verticals, pods,
installers, promotions, installs and their visits, nodes, incidents and
audits, generated inside PostgreSQL (kpis/management/commands/seed_scale.py
runs the steps in order, in one transaction).

Installs and audits are done by an installer of their pod who was cleared
and had not left on the day, so that the cohort scope and cohort first-time
success have their facts; those before anyone was cleared have none.

Table names are our models' own; every value is a parameter or one of this
module's constants."""

from contextlib import contextmanager

from installer_ops.models import Geography, Installer, Pod, Promotion, User, Vertical
from onboarding.models import Clearance

from .models import Audit, Incident, Install, Node, Visit

T = {
    m.__name__: m._meta.db_table
    for m in (Geography, Vertical, Pod, User, Installer, Promotion, Clearance, Node, Install, Visit, Incident, Audit)
}
# Installers' sources, weighted by repetition (kpis/sources.py numbers them).
SOURCES = (
    "ARRAY['maker_community', 'maker_community', 'technical_college', 'technical_college', 'referral', "
    "'referral', 'agency', 'internal_transfer', 'other']"
)


def u(key: str, salt: int) -> str:
    """A uniform number in [0, 1) drawn from `key` (SQL): the same key and salt
    give the same number whatever order the rows come in, unlike random()."""
    return f"((hashint8extended(({key})::bigint, {int(salt)}) & 1073741823)::float8 / 1073741824.0)"


def pod_ids() -> str:
    return f"(SELECT array_agg(id ORDER BY id) ids FROM {T['Pod']}) pods"


def reset_identity(c, table: str) -> None:
    """After rows inserted with their own ids, the next id the ORM takes follows them."""
    c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}")


@contextmanager
def keys_and_indexes_after_load(c, tables: list[str], step):
    """Django makes foreign keys deferred: PostgreSQL would check them row by
    row at COMMIT, which for millions of rows costs more than making them;
    and an index kept up row by row costs more than one built once. The
    tables' foreign keys and plain indexes are dropped for the load and put
    back before the transaction ends, each key validated in one pass over its
    table, so every row is still checked. Unique indexes stay: they hold
    constraints while the rows go in."""
    c.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) ORDER BY 1, 2",
        [tables],
    )
    keys = c.fetchall()
    c.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisunique ORDER BY 1",
        [tables],
    )
    indexes = c.fetchall()
    for table, name, _definition in keys:
        c.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        c.execute(f"DROP INDEX {name}")
    yield

    def put_back():
        c.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            c.execute(definition)
        for table, name, definition in keys:
            c.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')

    step(f"{len(indexes)} indexes built, {len(keys)} foreign keys checked", put_back)


def organisation(c, o: dict, until) -> None:
    c.execute(
        f"INSERT INTO {T['Geography']} (code, name, time_zone, locale) "
        "SELECT 'geo-' || g, 'Geography ' || g, 'UTC', 'en' FROM generate_series(1, 8) g"
    )
    c.execute(
        f"INSERT INTO {T['Vertical']} (code, name) "
        "SELECT 'vertical-' || v, 'Vertical ' || v FROM generate_series(1, 5) v"
    )
    c.execute(
        f"""
        INSERT INTO {T["Pod"]} (code, name, vertical_id, geography_id)
        SELECT 'pod-' || p, 'Pod ' || p,
               (SELECT id FROM {T["Vertical"]} ORDER BY id OFFSET mod(p, 5) LIMIT 1),
               (SELECT id FROM {T["Geography"]} ORDER BY id OFFSET mod(p, 8) LIMIT 1)
        FROM generate_series(1, %s) p""",
        [o["pods"]],
    )
    c.execute(
        f"""
        INSERT INTO {T["User"]}
            (password, is_superuser, username, email, is_staff, is_active, date_joined, name, language)
        SELECT '!', false, 'scale-' || i, '', false, true, now(), 'Installer ' || i, 'en'
        FROM generate_series(1, %s) i""",
        [o["installers"]],
    )
    # Every tenth installer was hired before hiring was kept here: no source.
    # The stage is set once bootcamp and clearance are known (scale_seed_people.py).
    c.execute(
        f"""
        INSERT INTO {T["Installer"]} (user_id, employee_id, pod_id, level, stage, hired_on, hiring_source,
                                     left_on, left_voluntarily, created_at, updated_at)
        SELECT h.id, 'S-' || h.n, h.pod_id, 1 + mod(h.n, 4),
               CASE WHEN h.leaves THEN 'left' ELSE 'hired' END, h.hired_on,
               CASE WHEN mod(h.n, 10) = 0 THEN '' ELSE ({SOURCES})[1 + floor({u("h.n", 1)} * 9)::int] END,
               CASE WHEN h.leaves THEN least(h.hired_on + 30 + (random() * 500)::int, %s::date) END,
               CASE WHEN h.leaves THEN random() < 0.7 END, now(), now()
        FROM (
            SELECT u.id, u.n, pods.ids[1 + mod(u.n, array_length(pods.ids, 1))] AS pod_id,
                   %s::date - 30 - (random() * 900)::int AS hired_on, mod(u.n, 7) = 0 AS leaves
            FROM (SELECT id, row_number() OVER (ORDER BY id) n FROM {T["User"]}
                  WHERE left(username, 6) = 'scale-') u, {pod_ids()}
        ) h ORDER BY h.n""",
        [until, until],
    )
    # An installer at level L was promoted L - 1 times, spread over their time here.
    c.execute(
        f"""
        INSERT INTO {T["Promotion"]} (installer_id, from_level, to_level, effective_on, recorded_at)
        SELECT i.id, k, k + 1, i.hired_on + (k * (COALESCE(i.left_on, %s::date) - i.hired_on)) / i.level, now()
        FROM {T["Installer"]} i, generate_series(1, 3) k WHERE k < i.level ORDER BY i.id, k""",
        [until],
    )


def active_installers(c, since, until) -> None:
    """scale_active(pod_id, day, ids): who could do an install in a pod on a
    day (first cleared, not yet left). A temporary table for the installs and audits."""
    c.execute(
        f"""
        CREATE TEMP TABLE scale_active ON COMMIT DROP AS
        SELECT i.pod_id, d::date AS day, array_agg(i.id ORDER BY i.id) AS ids
        FROM {T["Installer"]} i
        JOIN (SELECT installer_id, MIN(cleared_at) AS cleared_at FROM {T["Clearance"]} GROUP BY installer_id) fc
          ON fc.installer_id = i.id
        CROSS JOIN LATERAL generate_series(greatest((fc.cleared_at AT TIME ZONE 'UTC')::date, %s::date),
                                           least(COALESCE(i.left_on - 1, %s::date), %s::date), interval '1 day') d
        GROUP BY 1, 2""",
        [since, until, until],
    )
    c.execute("CREATE INDEX ON scale_active (pod_id, day)")
    c.execute("ANALYZE scale_active")


def installs_and_visits(c, o: dict, since, days: int) -> None:
    """Installs (ids 1..n, so that visits need no join to find theirs), each
    first visited at a random time, by an installer active in its pod that day."""
    c.execute(
        f"""
        CREATE TEMP TABLE scale_first ON COMMIT DROP AS
        SELECT s.*, a.ids[1 + mod(s.n, cardinality(a.ids))] AS installer_id
        FROM (SELECT n, pods.ids[1 + mod(n, array_length(pods.ids, 1))] AS pod_id,
                     %s::timestamptz + random() * (%s * interval '1 day') AS first_at,
                     (ARRAY['success', 'success', 'success', 'success', 'success', 'partial', 'failed'])
                         [1 + floor(random() * 7)::int] AS outcome
              FROM generate_series(1, %s) n, {pod_ids()}) s
        LEFT JOIN scale_active a ON a.pod_id = s.pod_id AND a.day = (s.first_at AT TIME ZONE 'UTC')::date
        ORDER BY s.n""",
        [since, days, o["installs"]],
    )
    c.execute(f"""
        INSERT INTO {T["Install"]} (id, external_id, site, pod_id, installer_id)
        SELECT n, 'I-' || n, 'Site ' || mod(n, 5000), pod_id, installer_id FROM scale_first ORDER BY n""")
    reset_identity(c, T["Install"])
    c.execute(
        f"INSERT INTO {T['Visit']} (install_id, visited_at, outcome) SELECT n, first_at, outcome FROM scale_first"
    )
    c.execute(f"""
        INSERT INTO {T["Visit"]} (install_id, visited_at, outcome)
        SELECT install_id, visited_at + (1 + floor(random() * 25)::int) * interval '1 day', 'success'
        FROM {T["Visit"]} WHERE random() < 0.25""")


def incidents_and_audits(c, o: dict, since, days: int) -> None:
    c.execute(
        f"""
        INSERT INTO {T["Node"]} (serial, site, pod_id, installer_id, installed_on)
        SELECT 'N-' || n, 'Site ' || mod(n, 5000), pods.ids[1 + mod(n, array_length(pods.ids, 1))], NULL,
               %s::date + (random() * %s)::int
        FROM generate_series(1, %s) n, {pod_ids()}""",
        [since, days, max(o["incidents"] // 3, 1)],
    )
    c.execute(
        f"""
        INSERT INTO {T["Incident"]} (external_id, node_id, severity, opened_at, resolved_at)
        SELECT 'INC-' || n, nodes.ids[1 + mod(n, array_length(nodes.ids, 1))], 'sev3', o.opened,
               CASE WHEN random() < 0.01 THEN NULL ELSE o.opened + random() * interval '72 hours' END
        FROM (SELECT n, %s::timestamptz + random() * (%s * interval '1 day') AS opened
              FROM generate_series(1, %s) n) o,
             (SELECT array_agg(id ORDER BY id) ids FROM {T["Node"]}) nodes""",
        [since, days, o["incidents"]],
    )
    c.execute(
        f"""
        INSERT INTO {T["Audit"]} (external_id, pod_id, installer_id, audited_on, passed, findings)
        SELECT 'A-' || s.n, s.pod_id, a.ids[1 + mod(s.n, cardinality(a.ids))], s.audited_on, s.passed, ''
        FROM (SELECT n, pods.ids[1 + mod(n, array_length(pods.ids, 1))] AS pod_id,
                     %s::date + (random() * %s)::int AS audited_on, random() < 0.9 AS passed
              FROM generate_series(1, %s) n, {pod_ids()}) s
        LEFT JOIN scale_active a ON a.pod_id = s.pod_id AND a.day = s.audited_on
        ORDER BY s.n""",
        [since, days, o["audits"]],
    )
