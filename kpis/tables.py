"""The database tables the KPI SQL reads, named from the models once, so
that the hand-written aggregates follow a renamed table."""

from bootcamp.models import Cohort, Enrollment, Item, ItemState, Module
from hiring.models import Candidate, Requisition, StageChange
from installer_ops.models import Installer, Pod, Promotion
from onboarding.models import Clearance, ConsentRecord, OutageDrill

from .models import Audit, Incident, Install, Node, Visit

T_POD = Pod._meta.db_table
T_INSTALLER = Installer._meta.db_table
T_PROMOTION = Promotion._meta.db_table
T_AUDIT = Audit._meta.db_table
T_INCIDENT = Incident._meta.db_table
T_NODE = Node._meta.db_table
T_INSTALL = Install._meta.db_table
T_VISIT = Visit._meta.db_table
T_CLEARANCE = Clearance._meta.db_table
T_COHORT = Cohort._meta.db_table
T_ENROLLMENT = Enrollment._meta.db_table
T_ITEM = Item._meta.db_table
T_MODULE = Module._meta.db_table
T_ITEM_STATE = ItemState._meta.db_table
T_DRILL = OutageDrill._meta.db_table
T_CONSENT_RECORD = ConsentRecord._meta.db_table
T_CANDIDATE = Candidate._meta.db_table
T_REQUISITION = Requisition._meta.db_table
T_STAGE_CHANGE = StageChange._meta.db_table
