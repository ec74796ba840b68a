"""Start the test OpenID provider: migrate its fresh database, add the
people and the one client application, then serve on the loopback.

    python -m tests.oidc_provider.serve --port 8123 --client-id ID --client-secret SECRET \
        --redirect-uri http://127.0.0.1:8000/oidc/callback/ --user ada:pass:ada@example.com
"""

import argparse
import os

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--redirect-uri", required=True)
    parser.add_argument("--user", action="append", default=[], help="username:password:email")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    for spec in args.user:
        username, password, email = spec.split(":", 2)
        User.objects.create_user(username, email=email, password=password)
    Application.objects.create(
        name="Installer Ops",
        client_id=args.client_id,
        client_secret=args.client_secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=args.redirect_uri,
        algorithm=Application.RS256_ALGORITHM,
        # No consent screen: the test is about our side of the flow.
        skip_authorization=True,
    )
    call_command("runserver", f"127.0.0.1:{args.port}", use_reloader=False, use_threading=True, skip_checks=True)


if __name__ == "__main__":
    main()
