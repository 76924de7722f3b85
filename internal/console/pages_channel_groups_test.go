package console_test

import (
	"net/http"
	"testing"
)

// The channel group pages list an environment's groups and show one
// group's channels, each rule and its conditions; the navigation links
// them beside the channels.
func TestChannelGroupPages(t *testing.T) {
	s := newSite(t)
	for _, key := range []string{"slack", "teams"} {
		s.api(s.owner, "PUT", "/v1/environments/development/channels/"+key, `{"name":"`+key+`","type":"chat","service":"`+key+`"}`, &struct{}{})
	}
	s.api(s.owner, "PUT", "/v1/environments/development/channel-groups/chat", `{"name":"Team chat","channel_type":"chat","operator":"any","channel_rules":[`+
		`{"channel_key":"slack","rule_type":"if","conditions":{"rules":[{"variable":"recipient.plan","operator":"equal_to","argument":"enterprise"}]}},`+
		`{"channel_key":"teams","rule_type":"always"}]}`, &struct{}{})
	b := s.browser()
	b.signIn(s.owner)
	b.get("/console/environments/development/channel-groups").expect(t, http.StatusOK, "chat", "Team chat", `href="/console/environments/development/channel-groups"`)
	b.get("/console/environments/development/channel-groups/chat").expect(t, http.StatusOK,
		"the first channel whose rule holds", `href="/console/environments/development/channels/slack"`, "recipient.plan", "equal_to", "enterprise", "always")
	b.get("/console/environments/staging/channel-groups").expect(t, http.StatusNotFound)
	b.get("/console/environments/development/channel-groups/absent").expect(t, http.StatusNotFound)
}
