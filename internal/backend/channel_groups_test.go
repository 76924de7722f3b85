package backend_test

import (
	"strings"
	"testing"
)

// chatGroup is a channel group of two chat channels.
const chatGroup = `{"name":"Chat","channel_type":"chat","operator":"any","channel_rules":[` +
	`{"channel_key":"slack","rule_type":"if","conditions":{"rules":[{"variable":"recipient.plan","operator":"equal_to","argument":"enterprise"}]}},` +
	`{"channel_key":"teams","rule_type":"always"}]}`

// groupWorkflow sends through the chat group.
const groupWorkflow = `{"name":"Alert","steps":[{"ref":"chat","channel":{"type":"chat","channel_group_key":"chat","body":"Hi"}}]}`

func (a *api) chatChannels(envs ...string) {
	a.t.Helper()
	for _, env := range envs {
		for _, key := range []string{"slack", "teams"} {
			a.expect(a.do(a.owner, "PUT", "/v1/environments/"+env+"/channels/"+key, `{"name":"`+key+`","type":"chat","service":"`+key+`"}`), 201)
		}
	}
}

// A channel group's channels must exist with its type, and stay while it
// uses them; a workflow step's group must exist with the step's type, and
// stays while the workflow uses it, on every write path.
func TestChannelGroups(t *testing.T) {
	a := newAPI(t)
	a.environment("staging")
	// Its channels first.
	r := a.expect(a.do(a.owner, "PUT", dev+"channel-groups/chat", chatGroup), 400)
	a.expectDetail(r, "channel_rules[0].channel_key", `channel "slack" does not exist in environment development`)
	a.chatChannels("development")
	a.expect(a.do(a.owner, "PUT", dev+"channels/teams", `{"name":"Teams","type":"email","service":"teams"}`), 200)
	a.expectDetail(a.expect(a.do(a.owner, "PUT", dev+"channel-groups/chat", chatGroup), 400), "channel_rules[1].channel_key", "an email channel, not chat")
	a.expect(a.do(a.owner, "PUT", dev+"channels/teams", `{"name":"Teams","type":"chat","service":"teams"}`), 200)
	a.expectDetail(a.expect(a.do(a.owner, "PUT", dev+"channel-groups/bad", `{"name":"B","channel_type":"chat","operator":"any","channel_rules":[{"channel_key":"slack","rule_type":"if"}]}`), 400),
		"channel_rules[0].conditions", "required")
	a.expect(a.do(a.owner, "PUT", dev+"channel-groups/chat", chatGroup), 201)
	got := a.expect(a.do(a.owner, "GET", dev+"channel-groups/chat", ""), 200).json()
	if got["operator"] != "any" || len(got["channel_rules"].([]any)) != 2 {
		t.Errorf("read back %v", got)
	}
	if items := a.expect(a.do(a.owner, "GET", dev+"channel-groups?channel_type=chat", ""), 200).json()["items"].([]any); len(items) != 1 {
		t.Errorf("listing of chat groups: %v", items)
	}
	if items := a.expect(a.do(a.owner, "GET", dev+"channel-groups?channel_type=email", ""), 200).json()["items"].([]any); len(items) != 0 {
		t.Errorf("listing of email groups: %v", items)
	}
	// A channel in a group stays, naming it.
	r = a.expect(a.do(a.owner, "DELETE", dev+"channels/slack", ""), 409)
	if !strings.Contains(string(r.body), `channel group \"chat\"`) {
		t.Errorf("the refused delete does not name the group: %s", r.body)
	}

	// A step names a channel or a group, never both; the group has its type.
	a.expectDetail(a.putWorkflow(a.owner, "development", "alert", strings.Replace(groupWorkflow, `"channel_group_key"`, `"key":"slack","channel_group_key"`, 1), 400),
		"steps[0].channel.channel_group_key", "never both")
	a.expectDetail(a.putWorkflow(a.owner, "development", "alert", strings.Replace(groupWorkflow, `"chat","channel_group_key"`, `"sms","channel_group_key"`, 1), 400),
		"steps[0].channel.channel_group_key", "groups chat channels, not sms")
	a.expectDetail(a.putWorkflow(a.owner, "development", "alert", strings.Replace(groupWorkflow, `"channel_group_key":"chat"`, `"channel_group_key":"urgent"`, 1), 400),
		"steps[0].channel.channel_group_key", `channel group "urgent" does not exist in environment development`)
	a.putWorkflow(a.owner, "development", "alert", groupWorkflow, 201)

	// A group in use stays, and keeps its type, naming the workflow.
	r = a.expect(a.do(a.owner, "DELETE", dev+"channel-groups/chat", ""), 409)
	if !strings.Contains(string(r.body), `workflow \"alert\"`) {
		t.Errorf("the refused delete does not name the workflow: %s", r.body)
	}
	a.expect(a.do(a.owner, "PUT", dev+"channels/email", `{"name":"E","type":"email","service":"postmark"}`), 201)
	r = a.expect(a.do(a.owner, "PUT", dev+"channel-groups/chat", `{"name":"E","channel_type":"email","operator":"all","channel_rules":[{"channel_key":"email","rule_type":"always"}]}`), 409)
	if !strings.Contains(string(r.body), `workflow \"alert\"`) || !strings.Contains(string(r.body), "cannot change to email") {
		t.Errorf("the refused retype does not say why: %s", r.body)
	}

	// Promotion and import into an environment without the group are
	// refused, naming it; with its own group there, they succeed.
	r = a.expect(a.do(a.owner, "POST", "/v1/environments/staging/promote", `{"from":"development"}`), 409)
	a.expectDetail(r, "workflows[0].steps[0].channel.channel_group_key", `channel group "chat" does not exist in environment staging`)
	a.importDoc("staging", a.export("development"), 409)
	if strings.Contains(a.export("development"), "channel_groups") {
		t.Errorf("channel groups, each environment's own, are exported")
	}
	a.chatChannels("staging")
	a.expect(a.do(a.owner, "PUT", "/v1/environments/staging/channel-groups/chat", chatGroup), 201)
	a.expect(a.do(a.owner, "POST", "/v1/environments/staging/promote", `{"from":"development"}`), 200)
	a.expect(a.do(a.owner, "GET", "/v1/environments/staging/workflows/alert", ""), 200)

	// copy_from copies the groups with the channels, so the copied
	// workflow finds its group.
	a.expect(a.do(a.owner, "POST", "/v1/environments", `{"slug":"qa","name":"QA","copy_from":"development"}`), 201)
	a.expect(a.do(a.owner, "GET", "/v1/environments/qa/channel-groups/chat", ""), 200)
	a.expect(a.do(a.owner, "GET", "/v1/environments/qa/workflows/alert", ""), 200)

	// Deleted in order, nothing holds the group any more.
	a.expect(a.do(a.owner, "DELETE", dev+"workflows/alert", ""), 204)
	a.expect(a.do(a.owner, "DELETE", dev+"channel-groups/chat", ""), 204)
	a.expect(a.do(a.owner, "DELETE", dev+"channels/slack", ""), 204)
}
