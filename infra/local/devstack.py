"""The whole product on one machine: the template's stack, the fake LINE platform, the channel secret, demo data,
the rich menu published to the fake LINE (as the deploy does on AWS), and the chat simulator at /simulator.

`make run`, the end-to-end tests and the benchmarks all start it through `dev_stack()`, so they run the
same thing. LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN and LINE_API_ENDPOINT override the defaults;
with LINE_API_ENDPOINT set, the functions send there and the built-in fake is not mounted.
"""

import io
import json
import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from infra.local import simulator
from infra.local.fake_line import FakeLine
from infra.local.stack import LocalStack

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
# Local-only credentials: they open nothing outside this machine. Real ones live in Secrets Manager.
DEFAULT_CHANNEL_SECRET = "local-channel-secret"
DEFAULT_ACCESS_TOKEN = "local-channel-access-token"
SECRET_NAME = "line-civic-desk/channel"


@dataclass
class DevStack:
    stack: LocalStack
    line: FakeLine | None
    channel_secret: str
    access_token: str

    @property
    def url(self) -> str:
        return self.stack.url

    def rotate_channel(self, channel_secret: str, access_token: str) -> None:
        """Put new credentials in Secrets Manager, as agency IT would; nothing is redeployed."""
        import boto3

        boto3.client("secretsmanager").put_secret_value(
            SecretId=SECRET_NAME,
            SecretString=json.dumps({"channelSecret": channel_secret, "channelAccessToken": access_token}))
        self.channel_secret, self.access_token = channel_secret, access_token  # the fake LINE reads it

    def stop(self) -> None:
        self.stack.stop()


def _webhooks_seen_by(line: FakeLine, app):
    """Show the fake LINE each webhook body on its way in, so it knows whose reply tokens they carry."""

    def observed(environ, start_response):
        if environ.get("PATH_INFO") == "/line/webhook" and environ.get("REQUEST_METHOD") == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            if 0 < length <= 1_000_000:
                body = environ["wsgi.input"].read(length)
                environ["wsgi.input"] = io.BytesIO(body)
                line.learn_webhook(body)
        return app(environ, start_response)

    return observed


def fake_line_endpoint(port: int) -> str:
    """Where the functions reach the built-in fake LINE: plain http, which LineApiEndpoint allows only on loopback."""
    return f"http://127.0.0.1:{port}/_line"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def publish_rich_menu() -> None:
    """The deploy step, as on AWS (civic.rich_menu.publisher): the menu of the registry's entries becomes the
    channel's default. A LINE that refuses is logged, not fatal: the chat works without a menu."""
    from civic.rich_menu import current, publisher

    try:
        outcome = publisher.publish()
    except publisher.PublishError as error:
        log.warning("%s", error)
        return
    current.forget()
    log.info("rich menu %s: %s (%s)", outcome.status, outcome.rich_menu_id, ", ".join(outcome.entries))


def dev_stack(port: int | None = None, env: dict | None = None, visibility_scale: float = 1.0,
              seed: bool = True, rich_menu: bool = True, **stack_options) -> DevStack:
    env = dict(os.environ if env is None else env)
    port = port or free_port()
    secret = env.get("LINE_CHANNEL_SECRET") or DEFAULT_CHANNEL_SECRET
    token = env.get("LINE_CHANNEL_ACCESS_TOKEN") or DEFAULT_ACCESS_TOKEN
    external = env.get("LINE_API_ENDPOINT", "").rstrip("/")
    line = None if external else FakeLine(lambda: devstack.access_token)
    endpoint = external or fake_line_endpoint(port)
    stack = LocalStack(
        str(ROOT / "template.yaml"), port=port, visibility_scale=visibility_scale,
        parameter_overrides={"LineSecretName": SECRET_NAME, "LineApiEndpoint": endpoint},
        env_overrides={"LINE_API_ENDPOINT": endpoint, "LINE_SECRET_MAX_AGE_S": "5", "LINE_SECRET_REFRESH_GAP_S": "1",
                       "PUBLIC_URL": f"http://127.0.0.1:{port}",  # the bill cards' QR pictures, from this stack
                       "LINE_RETRY_BASE_S": env.get("LINE_RETRY_BASE_S", "2"),
                       # Powertools keeps one metric set per process; here all functions share one, so the EMF
                       # lines would mix services. Metrics are for CloudWatch; LOCAL_METRICS=1 prints them.
                       "POWERTOOLS_METRICS_DISABLED": "false" if env.get("LOCAL_METRICS") else "true",
                       **stack_options.pop("env_overrides", {})},  # e.g. the bench's push ceiling
        # The chat simulator reads this fake LINE, so it is served only with it (infra/local/simulator/).
        extra_wsgi_mounts={"/_line": line, **simulator.mounts(lambda: devstack.channel_secret)} if line else None,
        middleware=(lambda app: _webhooks_seen_by(line, app)) if line else None, **stack_options)
    devstack = DevStack(stack, line, secret, token)
    stack.start()
    import boto3  # after start(): the stack has pointed every client at its moto server

    boto3.client("secretsmanager").create_secret(
        Name=SECRET_NAME, SecretString=json.dumps({"channelSecret": secret, "channelAccessToken": token}))
    if seed:
        from infra.local import demo

        demo.seed()
    if rich_menu:
        publish_rich_menu()
    stack.warm()
    return devstack
