"""The rich menu's part of the template, checked like code: the deploy publishes it whenever what it is drawn from
changes, its function may touch only its table and the channel's secret, and the welcome may read the record."""

from tests.contract.test_template import FUNCTIONS, RESOURCES, TEMPLATE, _statements


def test_every_deploy_that_changes_the_layer_agency_or_channel_publishes_the_menu_again():
    """GIVEN the RichMenu custom resource WHEN its properties are read THEN it is served by RichMenuFunction and
    names the civic layer's version, the agency and the channel's secret and endpoint (CloudFormation calls
    Update only when a property changes), and CloudFormation waits at most 10 minutes for its answer."""
    resource = RESOURCES["RichMenu"]
    props = resource["Properties"]
    assert resource["Type"] == "Custom::RichMenu"
    assert props["ServiceToken"] == {"Fn::GetAtt": ["RichMenuFunction", "Arn"]}
    assert {k: props[k] for k in ("Layer", "AgencyId", "LineSecretName", "LineApiEndpoint")} == {
        "Layer": {"Ref": "CivicLayer"}, "AgencyId": {"Ref": "AgencyId"},
        "LineSecretName": {"Ref": "LineSecretName"}, "LineApiEndpoint": {"Ref": "LineApiEndpoint"}}
    assert 0 < props["ServiceTimeout"] <= 600
    assert TEMPLATE["Outputs"]["RichMenu"]["Value"] == {"Fn::GetAtt": ["RichMenu", "Outcome"]}


def test_the_publisher_may_touch_only_the_menu_table_and_read_the_channels_secret():
    """GIVEN RichMenuFunction WHEN its policies are read THEN CRUD on RichMenusTable and GetSecretValue on the
    LINE secret, nothing else (no queue, no other table)."""
    policies = FUNCTIONS["RichMenuFunction"]["Properties"]["Policies"]
    templates = [p for p in policies if "Statement" not in p]
    assert templates == [{"DynamoDBCrudPolicy": {"TableName": {"Ref": "RichMenusTable"}}}]
    assert {a for s in _statements(FUNCTIONS["RichMenuFunction"]) for a in s["Action"]} == {
        "secretsmanager:GetSecretValue"}


def test_the_citizen_basics_may_read_whether_a_menu_is_set():
    """GIVEN the citizen basics (the welcome and help) WHEN their policies are read THEN they may read
    RichMenusTable, and only read it."""
    policies = FUNCTIONS["CitizenBasicsFunction"]["Properties"]["Policies"]
    on_menus = [p for p in policies if isinstance(p, dict) and "Statement" not in p
                and next(iter(p.values())).get("TableName") == {"Ref": "RichMenusTable"}]
    assert on_menus == [{"DynamoDBReadPolicy": {"TableName": {"Ref": "RichMenusTable"}}}]


def test_a_deploy_that_could_not_publish_the_menu_raises_an_alarm():
    """GIVEN the publisher's failure metric WHEN the alarms are read THEN one watches it and notifies the topic."""
    alarm = RESOURCES["RichMenuPublishFailedAlarm"]["Properties"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("LineCivicDesk", "RichMenuPublishFailed")
    assert alarm["Dimensions"] == [{"Name": "service", "Value": "rich-menu"}]
    assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
