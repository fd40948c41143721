package main

import "linli/links"

func init() {
	oaWritten["LinkItem"], oaWritten["LinkRef"] = links.Item{}, links.Ref{}
}
