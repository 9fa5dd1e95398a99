"""Template loading and intrinsic-function resolution (no AWS needed)."""

import pytest

from infra.local.template import Template, TemplateError, load_template

from .conftest import FIXTURES

INTRINSICS = FIXTURES / "intrinsics.yaml"
REGION = "ap-southeast-7"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:123456789012:local-Queue"


def resolved_output(template, name):
    return template.resolve(template.body["Outputs"][name]["Value"])


@pytest.fixture
def template():
    loaded = Template(INTRINSICS, REGION)
    loaded.register("Queue", "http://moto/123456789012/local-Queue", {"Arn": QUEUE_ARN})
    return loaded


def test_short_form_tags_load_as_their_long_forms():
    """GIVEN a template written with !Join, !Select, !GetAtt a.b and !Sub
    WHEN it is loaded
    THEN each tag is the long-form dictionary CloudFormation would see."""
    body = load_template(INTRINSICS)

    assert body["Outputs"]["Joined"]["Value"] == {"Fn::Join": ["-", [{"Ref": "Stage"}, {"Fn::Select": [1, {"Ref": "Domains"}]}]]}
    assert body["Outputs"]["PoolArn"]["Value"] == {"Fn::GetAtt": ["StaffPool", "Arn"]}
    assert body["Conditions"]["IsDev"] == {"Fn::Not": [{"Condition": "IsProd"}]}


def test_sub_resolves_pseudo_parameters_parameters_and_attributes_in_both_forms(template):
    """GIVEN !Sub in its string form and its [string, variables] form, and an escaped ${!Literal}
    WHEN they are resolved
    THEN pseudo parameters, parameters, variables and GetAtt attributes are substituted; the escape is kept."""
    assert resolved_output(template, "SubShort") == f"local-dev-{REGION}-123456789012"
    assert resolved_output(template, "SubLong") == f"dev/{QUEUE_ARN}"
    assert resolved_output(template, "SubEscaped") == "${Literal}-aws.amazonaws.com"


def test_join_select_split_and_find_in_map(template):
    """GIVEN a comma-delimited list parameter and a mapping
    WHEN !Join, !Select, !Split and !FindInMap are resolved
    THEN they give what CloudFormation would."""
    assert resolved_output(template, "Joined") == "dev-api.example"
    assert resolved_output(template, "SplitFirst") == "line"
    assert resolved_output(template, "Retention") == 7


def test_parameter_overrides_drive_conditions_and_no_value_drops_the_key():
    """GIVEN the condition IsProd and an !If whose false branch is AWS::NoValue
    WHEN the template is resolved with Stage=dev and with Stage=prod
    THEN the key is absent in dev and present in prod, and !Or/!And/!Not follow."""
    dev = resolved_output(Template(INTRINSICS, REGION), "Settings")
    prod = resolved_output(Template(INTRINSICS, REGION, {"Stage": "prod"}), "Settings")

    assert dev == {"Always": "present", "Flags": [True, False]}
    assert prod == {"Always": "present", "OnlyInProd": "prod-only", "Flags": [True, False]}


def test_parameter_override_outside_allowed_values_is_refused():
    """GIVEN Stage allows dev and prod
    WHEN the stack is given Stage=staging
    THEN loading fails and names the parameter."""
    with pytest.raises(TemplateError, match="Stage"):
        Template(INTRINSICS, REGION, {"Stage": "staging"})


def test_parameter_override_outside_its_allowed_pattern_is_refused():
    """GIVEN AgencyId allows lower-case letters, digits and hyphens
    WHEN the stack is given AgencyId=Demo_Municipality
    THEN loading fails and names the parameter and its constraint, as CloudFormation would."""
    with pytest.raises(TemplateError, match="AgencyId.*lower-case letters"):
        Template(INTRINSICS, REGION, {"AgencyId": "Demo_Municipality"})


def test_globals_merge_into_functions_as_sam_does(template):
    """GIVEN Globals.Function with Timeout, Layers and Environment, and a function that sets its own
    WHEN the function's properties are read
    THEN maps merge (the function wins), lists concatenate (globals first), scalars are replaced."""
    props = template.resolve(template.resources["Worker"]["Properties"])

    assert props["Timeout"] == 60
    assert props["Environment"]["Variables"] == {
        "STAGE": "dev", "SHARED": "from-function", "QUEUE_URL": "http://moto/123456789012/local-Queue"}
    assert props["Layers"] == [
        "local-SharedLayer",
        "arn:aws:lambda:ap-southeast-7:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-x86_64:7",
    ]


def test_references_to_resources_not_created_locally_resolve_to_placeholders(template):
    """GIVEN a Cognito user pool (not emulated) and an !ImportValue of another stack
    WHEN they are referenced
    THEN each resolves to a recognisable placeholder string instead of failing."""
    assert resolved_output(template, "PoolId") == "local-StaffPool"
    assert resolved_output(template, "PoolArn") == "local-StaffPool-Arn"
    assert resolved_output(template, "Imported") == "local-import-shared-network-vpc"
    assert resolved_output(template, "QueueArn") == QUEUE_ARN
