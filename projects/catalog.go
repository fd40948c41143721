package projects

func catalog() map[string]string { return map[string]string{} }
