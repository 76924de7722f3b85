package domain

// MaxRenderedLength caps one rendered template, so that a loop in a
// template cannot make a preview answer without bound. Templates render
// with the bounded Liquid of preview_liquid.go and the reusable content
// of preview_content.go.
const MaxRenderedLength = 1 << 20
