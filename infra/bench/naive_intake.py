"""The intake as the LINE SDK's README would write it: the baseline our intake is measured against.

Not deployed; imported only by the benchmark to time its cold import next to functions/webhook_intake.
"""

import json

import boto3
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import ApiClient, Configuration, MessagingApi

parser = WebhookParser("channel-secret")
messaging = MessagingApi(ApiClient(Configuration(access_token="token")))
sqs = boto3.client("sqs")


def lambda_handler(event, context):
    try:
        events = parser.parse(event["body"], event["headers"]["x-line-signature"])
    except InvalidSignatureError:
        return {"statusCode": 401}
    for e in events:
        sqs.send_message(QueueUrl="queue", MessageBody=json.dumps(e.to_dict()), MessageGroupId="g")
    return {"statusCode": 200}
