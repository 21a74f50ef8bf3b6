from django.core.management.base import BaseCommand

from approvals import demo as approvals_demo
from cms import demo as cms_demo
from cms import demo_activity
from registry import demo as registry_demo


class Command(BaseCommand):
    help = (
        "Load demo organizations, halls, users of every role, the public site and a day of registrations, "
        "check-ins and credits. Safe to run again."
    )

    def handle(self, *args, **options):
        logins = registry_demo.seed()
        cms_demo.seed()
        demo_activity.seed()
        approvals_demo.seed()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Every demo account's password: {registry_demo.DEMO_PASSWORD}")
        for email, role in logins:
            self.stdout.write(f"  {email:<32} {role}")
        self.stdout.write(
            "Staff need a second factor for /admin/ and /staff/. Without a phone, staff demo accounts "
            "can use these backup codes (each works once; re-run seed_demo to restore them):"
        )
        self.stdout.write("  " + " ".join(registry_demo.DEMO_BACKUP_CODES))
