package domain

// problemFields are the fields problems name, for table tests.
func problemFields(p Problems) []string {
	fields := make([]string, len(p))
	for i, fe := range p {
		fields[i] = fe.Field
	}
	return fields
}
