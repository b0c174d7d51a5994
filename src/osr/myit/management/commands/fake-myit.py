"""``osr fake-myit [--port N]``: a fake ServiceNow on 127.0.0.1 for local development."""

from django.core.management.base import BaseCommand

from osr.myit.fake import FakeServiceNow


class Command(BaseCommand):
    help = "Serve a fake MyIT (ServiceNow) on 127.0.0.1 until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8081)
        parser.add_argument("--username", default="osr")
        parser.add_argument("--password", default="fake-password")

    def handle(self, *args, port: int, username: str, password: str, **options):
        fake = FakeServiceNow(username=username, password=password)
        url = fake.start(port=port)
        self.stdout.write(f"Fake MyIT serving on {url}")
        password_hint = password if password == "fake-password" else "the --password given"
        self.stdout.write(
            f"Point OSR at it: OSR_MYIT_URL={url} OSR_MYIT_USERNAME={username} "
            f"OSR_MYIT_PASSWORD={password_hint}"
        )
        self.stdout.write(f"OAuth client id: {fake.client_id}. Stop with Ctrl+C.")
        fake.wait()
