"""``flask`` command groups. Add a new group to ``COMMANDS``."""

from app.cli.demo import demo_cli
from app.cli.files import files_cli
from app.cli.insights import insights_cli
from app.cli.reports import reports_cli
from app.cli.setup import setup_command
from app.cli.users import users_cli

COMMANDS = [users_cli, demo_cli, insights_cli, setup_command, reports_cli, files_cli]
