import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the development web server with a Huey consumer beside it (both stop together)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        worker = subprocess.Popen([sys.executable, sys.argv[0], "run_huey", "--workers", "2"])
        self.stdout.write(f"Huey consumer started (pid {worker.pid}).")
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            worker.send_signal(signal.SIGINT)
            worker.wait(timeout=10)
