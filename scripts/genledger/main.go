// Command genledger writes a generated household ledger (.xlsx) for
// scripts/measure.sh: by default 5,000 households — 50 buildings × 5 units ×
// 10 floors × 2 — with one to three members each, in the demo's estate
// 荟萃花园南区 (学苑社区), in new buildings 测试1号楼…测试50号楼 so that
// `linli import` adds them beside the demo's own 1号楼.
//
//	go run ./scripts/genledger -o /tmp/ledger-5000.xlsx
//
// The same shape is generated in registry/bench_test.go (BenchmarkImport5000);
// test code cannot be imported, so the few lines are repeated here.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"time"

	"linli/registry/ledger"
)

func main() {
	out := flag.String("o", "ledger.xlsx", "output .xlsx file")
	estate := flag.String("estate", "荟萃花园南区", "estate name (must exist in the target community)")
	prefix := flag.String("building-prefix", "测试", "prefix of the generated building names")
	buildings := flag.Int("buildings", 50, "buildings")
	units := flag.Int("units", 5, "units per building")
	floors := flag.Int("floors", 10, "floors per unit")
	perFloor := flag.Int("per-floor", 2, "households per floor in each unit")
	flag.Parse()

	hs := generate(*estate, *prefix, *buildings, *units, *floors, *perFloor)
	f, err := os.Create(*out)
	if err != nil {
		fail(err)
	}
	w := bufio.NewWriter(f)
	if err := ledger.WriteXLSX(w, hs); err != nil {
		fail(err)
	}
	if err := w.Flush(); err != nil {
		fail(err)
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
	people := 0
	for _, h := range hs {
		people += len(h.Members)
	}
	fmt.Fprintf(os.Stderr, "wrote %s: %d households, %d people\n", *out, len(hs), people)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "genledger:", err)
	os.Exit(1)
}

var (
	surnames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎")
	given    = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌鹏辉宇浩凯晨欣怡梅琳丹")
)

// generate makes buildings × units × floors × perFloor households with one
// to three members (owner, family, tenant), valid mobile numbers (139…) and
// valid resident ID numbers (盐湖区 140802).
func generate(estate, prefix string, buildings, units, floors, perFloor int) []ledger.Household {
	hs := make([]ledger.Household, 0, buildings*units*floors*perFloor)
	born := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
	for b := range buildings {
		for u := range units {
			for f := 1; f <= floors; f++ {
				for p := 1; p <= perFloor; p++ {
					i := len(hs)
					h := ledger.Household{Estate: estate, Building: fmt.Sprintf("%s%d号楼", prefix, b+1),
						Unit: fmt.Sprintf("%d单元", u+1), Floor: f, Room: fmt.Sprintf("%d%02d", f, p),
						AreaCenti: 6800 + int64(i*37%6200)}
					for j := range i%3 + 1 {
						rel := []string{ledger.RelationOwner, ledger.RelationFamily, ledger.RelationTenant}[j]
						first17 := "140802" + born.AddDate(j*25, 0, i).Format("20060102") + fmt.Sprintf("%03d", j+1)
						h.Members = append(h.Members, ledger.Member{
							Name:     string(surnames[(i+j*7)%len(surnames)]) + string(given[(i/3+j)%len(given)]) + string(given[(i*7+j)%len(given)]),
							Relation: rel, IsOwner: rel == ledger.RelationOwner,
							Phone:    fmt.Sprintf("139%08d", i*3+j),
							IDNumber: first17 + string(ledger.IDCheckChar(first17)),
						})
					}
					hs = append(hs, h)
				}
			}
		}
	}
	return hs
}
