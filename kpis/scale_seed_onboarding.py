"""seed_scale's onboarding: the runbook, playbook and each geography's
consent flow (a second version of it published half-way through), day-1
kits, outage drills (about one in five fails the first), clearances after
the first passed drill (renewed after a year), the installers' stages, and
consent records for most installs done by an installer.

Reads the temporary tables of kpis/scale_seed_bootcamp.py (scale_cohort,
scale_enrol) and kpis/scale_seed_field.py (scale_first), in the same transaction."""

import hashlib
import io

from PIL import Image

from bootcamp.item_done import done_sql
from bootcamp.models import Item, ItemState
from installer_ops.models import Geography, Installer, Pod
from onboarding.models import (
    Clearance,
    ConfigProfile,
    ConsentRecord,
    Day1Kit,
    Document,
    DocumentVersion,
    DrillScenario,
    OutageDrill,
)

from .scale_seed_field import u

T = {
    m.__name__: m._meta.db_table
    for m in (
        Geography,
        Installer,
        Pod,
        Item,
        ItemState,
        Clearance,
        ConfigProfile,
        ConsentRecord,
        Day1Kit,
        Document,
        DocumentVersion,
        DrillScenario,
        OutageDrill,
    )
}
CONSENT_BODY = (
    "# Consent at the customer's site\n\n- [ ] Post the signage\n- [photo] Photograph the posted signage\n"
    "- [ ] Explain what the node records\n- [ ] Hand over the privacy notice\n"
)
CHECKSUM = "encode(sha256(convert_to(body, 'UTF8')), 'hex')"


def documents(c, since, days: int) -> None:
    c.execute(
        f"""
        INSERT INTO {T["ConfigProfile"]} (name, version, content, sha256, created_at)
        SELECT 'scale-node', 1, content, encode(sha256(convert_to(content, 'UTF8')), 'hex'), now()
        FROM (SELECT 'ntp=pool.example\nredaction=on\n'::text AS content) p"""
    )
    c.execute(f"""
        INSERT INTO {T["DrillScenario"]} (code, title, description, recovery_target_minutes, active)
        VALUES ('scale-power-loss', 'Power loss', 'The site loses power.', 30, true),
               ('scale-network-cut', 'Network cut', 'The uplink is cut.', 45, true),
               ('scale-certificate-expiry', 'Certificate expiry', 'The device certificate expires.', 60, true)""")
    c.execute(f"""
        INSERT INTO {T["Document"]} (kind, slug, title, geography_id)
        VALUES ('runbook', 'scale-runbook', 'Runbook', NULL),
               ('playbook', 'scale-playbook', 'Incident playbook', NULL)""")
    c.execute(f"""
        INSERT INTO {T["Document"]} (kind, slug, title, geography_id)
        SELECT 'consent', 'scale-consent-' || code, 'Consent flow, ' || name, id FROM {T["Geography"]} ORDER BY id""")
    # Consent flows: version 1 before the data starts, version 2 half-way through.
    c.execute(
        f"""
        INSERT INTO {T["DocumentVersion"]} (document_id, number, language, title, body, checksum, published_at)
        SELECT id, v, 'en', '', body, {CHECKSUM}, published_at FROM (
            SELECT d.id, v.n AS v, CASE WHEN d.kind = 'consent' THEN %s || '\nVersion ' || v.n ELSE d.title END AS body,
                   CASE WHEN v.n = 1 THEN %s::timestamptz - interval '60 days'
                        ELSE %s::timestamptz + %s * interval '1 day' END AS published_at
            FROM {T["Document"]} d, generate_series(1, 2) v(n)
            WHERE d.kind = 'consent' OR v.n = 1
        ) x ORDER BY id, v""",
        [CONSENT_BODY, since, since, days // 2],
    )


def kits_drills_clearances(c, until, items: int) -> None:
    """Kits for every enrolled installer; drills for those whose bootcamp is
    done and over; a clearance after the first drill passed. `items`: the
    program version's number of items."""
    end = "(%s::date + 1)::timestamp AT TIME ZONE 'UTC'"
    c.execute(
        f"""
        INSERT INTO {T["Day1Kit"]} (installer_id, device_serial, profile_id, runbook_version_id, playbook_version_id,
                                    runbook_acknowledged_at, playbook_acknowledged_at, issued_by_id, issued_at)
        SELECT i.id, 'KIT-' || i.id, (SELECT min(id) FROM {T["ConfigProfile"]}), rb.id, pb.id,
               CASE WHEN issued + interval '1 day' < {end} THEN issued + interval '1 day' END,
               CASE WHEN issued + interval '2 days' < {end} THEN issued + interval '2 days' END,
               sc.lead_id, issued
        FROM (SELECT installer_id, k, (start_on - 2 + time '10:00') AT TIME ZONE 'UTC' AS issued
              FROM scale_enrol WHERE attempt = 1) e
        JOIN {T["Installer"]} i ON i.id = e.installer_id JOIN scale_cohort sc ON sc.k = e.k
        JOIN {T["Document"]} rbd ON rbd.slug = 'scale-runbook'
        JOIN {T["DocumentVersion"]} rb ON rb.document_id = rbd.id
        JOIN {T["Document"]} pbd ON pbd.slug = 'scale-playbook'
        JOIN {T["DocumentVersion"]} pb ON pb.document_id = pbd.id
        ORDER BY i.id""",
        [until, until],
    )
    # The enrollments not withdrawn whose every item is done, and whose cohort ended by `until`.
    c.execute(
        f"""
        CREATE TEMP TABLE scale_done ON COMMIT DROP AS
        SELECT e.installer_id, e.ends_on, e.left_on, sc.lead_id FROM scale_enrol e JOIN scale_cohort sc ON sc.k = e.k
        JOIN (SELECT s.enrollment_id, count(*) AS n FROM {T["ItemState"]} s JOIN {T["Item"]} it ON it.id = s.item_id
              WHERE {done_sql("s", "it")} GROUP BY s.enrollment_id) d ON d.enrollment_id = e.id
        WHERE e.withdrawn_at IS NULL AND e.ends_on < %s
          AND d.n = %s""",
        [until, items],
    )
    scenario = f"(SELECT array_agg(id ORDER BY id) FROM {T['DrillScenario']})"
    c.execute(
        f"""
        INSERT INTO {T["OutageDrill"]} (installer_id, scenario_id, scheduled_for, run_by_id, outcome, attempt,
                                        minutes_to_recover, notes, completed_at)
        SELECT installer_id, {scenario}[1 + mod(installer_id + a, 3)], at, lead_id,
               CASE WHEN a = 3 OR (a = 1 AND {u("installer_id", 31)} < 0.78)
                         OR (a = 2 AND {u("installer_id", 32)} < 0.85)
                    THEN 'passed' ELSE 'failed' END,
               a, 10 + floor({u("installer_id * 10 + a", 33)} * 50)::int, '', at + interval '1 hour'
        FROM (
            SELECT d.*, a, ((d.ends_on + 2 + floor({u("d.installer_id", 34)} * 8)::int + 7 * (a - 1))
                            + time '14:00') AT TIME ZONE 'UTC' AS at
            FROM scale_done d, generate_series(1, 3) a
            WHERE a = 1 OR ({u("d.installer_id", 31)} >= 0.78 AND (a = 2 OR {u("d.installer_id", 32)} >= 0.85))
        ) x
        WHERE at + interval '1 hour' < {end} AND (left_on IS NULL OR (at AT TIME ZONE 'UTC')::date < left_on)
        ORDER BY installer_id, a""",
        [until],
    )
    # Those in a cohort still running on `until` have their first drill scheduled.
    c.execute(
        f"""
        INSERT INTO {T["OutageDrill"]} (installer_id, scenario_id, scheduled_for, run_by_id, outcome, notes)
        SELECT e.installer_id, {scenario}[1 + mod(e.installer_id, 3)],
               (e.ends_on + 3 + time '14:00') AT TIME ZONE 'UTC',
               sc.lead_id, 'scheduled', ''
        FROM scale_enrol e JOIN scale_cohort sc ON sc.k = e.k
        WHERE e.withdrawn_at IS NULL AND e.ends_on >= %s ORDER BY e.installer_id""",
        [until],
    )
    c.execute(
        f"""
        INSERT INTO {T["Clearance"]} (installer_id, cleared_by_id, cleared_at, valid_until)
        SELECT installer_id, lead_id, at, (at AT TIME ZONE 'UTC')::date + 365 FROM (
            SELECT p.installer_id, d.lead_id, d.left_on,
                   p.passed_at + (1 + floor({u("p.installer_id", 35)} * 30)::int + 365 * (r - 1)) * interval '1 day'
                       AS at
            FROM (SELECT installer_id, min(completed_at) AS passed_at FROM {T["OutageDrill"]}
                  WHERE outcome = 'passed' GROUP BY installer_id) p
            JOIN scale_done d ON d.installer_id = p.installer_id, generate_series(1, 2) r
        ) x
        WHERE at < {end} AND (left_on IS NULL OR (at AT TIME ZONE 'UTC')::date < left_on)
        ORDER BY installer_id, at""",
        [until],
    )
    c.execute(
        f"""
        UPDATE {T["Installer"]} i SET stage = CASE
            WHEN EXISTS (SELECT 1 FROM {T["Clearance"]} cl WHERE cl.installer_id = i.id) THEN 'cleared'
            WHEN EXISTS (SELECT 1 FROM scale_done d WHERE d.installer_id = i.id) THEN 'onboarding'
            WHEN EXISTS (SELECT 1 FROM scale_enrol e WHERE e.installer_id = i.id AND e.withdrawn_at IS NULL
                         AND e.start_on <= %s) THEN 'bootcamp'
            ELSE 'hired' END
        WHERE i.stage <> 'left'""",
        [until],
    )


def consent_records(c, signature: bytes | None = None) -> None:
    """A record for about three installs in four done by an installer: most
    complete, a few against the superseded version; half of the incomplete
    ones get a complete record the next day."""
    png = signature or _signature_png()
    c.execute(
        f"""
        INSERT INTO {T["ConsentRecord"]} (id, installer_id, version_id, install_ref, steps_done, photos, representative,
                                          signature_png, signature_sha256, complete, superseded, device_id,
                                          device_seq, occurred_at, received_at, effective_at)
        SELECT md5('scale-consent-' || n || '-' || r)::uuid, installer_id,
               CASE WHEN superseded OR at < v2_at THEN v1 ELSE v2 END, 'I-' || n,
               CASE WHEN complete THEN '[1, 2, 3, 4]' ELSE '[1, 2]' END::jsonb,
               jsonb_build_array(jsonb_build_object('id', md5('scale-photo-' || n || '-' || r)::uuid, 'step', 2)),
               CASE WHEN complete THEN 'Site representative' ELSE '' END,
               CASE WHEN complete THEN %s ELSE ''::bytea END, CASE WHEN complete THEN %s ELSE '' END,
               complete, superseded, 'scale-tablet-' || installer_id, NULL, at, at + interval '1 hour', at
        FROM (
            SELECT f.n, f.installer_id, r, cv.v1, cv.v2, cv.v2_at,
                   f.first_at + interval '20 minutes' + (r - 1) * interval '1 day' AS at,
                   r = 2 OR {u("f.n", 43)} < 0.9 AS complete,
                   r = 1 AND f.first_at >= cv.v2_at AND {u("f.n", 42)} < 0.04 AS superseded
            FROM scale_first f JOIN {T["Pod"]} pod ON pod.id = f.pod_id
            JOIN (SELECT d.geography_id, max(v.id) FILTER (WHERE v.number = 1) AS v1,
                         max(v.id) FILTER (WHERE v.number = 2) AS v2,
                         max(v.published_at) FILTER (WHERE v.number = 2) AS v2_at
                  FROM {T["Document"]} d JOIN {T["DocumentVersion"]} v ON v.document_id = d.id
                  WHERE d.kind = 'consent' GROUP BY d.geography_id) cv ON cv.geography_id = pod.geography_id,
                 generate_series(1, 2) r
            WHERE f.installer_id IS NOT NULL AND {u("f.n", 41)} < 0.75
              AND (r = 1 OR ({u("f.n", 43)} >= 0.9 AND {u("f.n", 44)} < 0.5))
        ) x""",
        [png, hashlib.sha256(png).hexdigest()],
    )


def _signature_png() -> bytes:
    image = io.BytesIO()
    Image.new("1", (8, 4), 1).save(image, format="PNG")
    return image.getvalue()
