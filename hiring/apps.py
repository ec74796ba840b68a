from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class HiringConfig(AppConfig):
    name = "hiring"
    verbose_name = _("Hiring")

    def ready(self):
        from .defaults import put_back_defaults_after_migrate

        # Migration 0002 writes the default tasks and minimums once; a flush
        # (`manage.py flush`, every transactional test) empties the tables and
        # then sends post_migrate, as Django does for permissions and content
        # types, so they are put back there.
        post_migrate.connect(put_back_defaults_after_migrate, sender=self)
