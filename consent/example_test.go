package consent_test

import (
	"fmt"
	"strings"

	"linli/consent"
)

// m2 writes 0.01 m² as square metres.
func m2(centi int64) string { return fmt.Sprintf("%d.%02d", centi/100, centi%100) }

// yuan writes fen as yuan with thousands separators: 38000000 → "380,000.00".
func yuan(fen int64) string {
	s := fmt.Sprint(fen / 100)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return fmt.Sprintf("%s.%02d", s, fen%100)
}

func mark(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
}

func printTally(t consent.Tally) {
	fmt.Printf("  参与 taking part: %d/%d 户 owners, %s/%s ㎡ %s\n",
		t.ParticipatingOwners, t.TotalOwners, m2(t.ParticipatingArea), m2(t.TotalArea), mark(t.ParticipationOK))
	fmt.Printf("  同意 agreeing:    %d/%d 户 owners, %s/%s ㎡ %s\n",
		t.AgreeOwners, t.ParticipatingOwners, m2(t.AgreeArea), m2(t.ParticipatingArea), mark(t.ApprovalOK))
	if t.Valid {
		fmt.Println("  决定有效 / the decision is valid")
	}
	for _, m := range t.Missing {
		fmt.Println("  " + m)
	}
}

// The elevator vote of 荟萃花园南区 building 3, unit 1: twelve flats on six
// floors. The four flats on floors 1–2 first object; one of them, 3-1-202,
// changes its vote after the cost plan exempts floors 1–2.
func ExampleEvaluate() {
	rule := consent.Rule{Matter: consent.Renovation}
	ballots := map[string]consent.Choice{
		"3-1-101": consent.Disagree, "3-1-102": consent.Disagree,
		"3-1-201": consent.Disagree, "3-1-202": consent.Disagree,
	}
	fmt.Println("加装电梯（改建，须3/4同意） / adding an elevator (renovation: 3/4 must agree)")
	fmt.Println("第一轮 / first round:")
	printTally(consent.Evaluate(rule, huicui(ballots)))

	ballots["3-1-202"] = consent.Agree
	fmt.Println("3-1-202改投同意后 / after 3-1-202 changes its vote:")
	printTally(consent.Evaluate(rule, huicui(ballots)))
	// Output:
	// 加装电梯（改建，须3/4同意） / adding an elevator (renovation: 3/4 must agree)
	// 第一轮 / first round:
	//   参与 taking part: 12/12 户 owners, 781.14/781.14 ㎡ ✓
	//   同意 agreeing:    8/12 户 owners, 520.76/781.14 ㎡ ✗
	//   还需1户业主、65.10㎡同意 / 1 more owner and 65.10 m² of approval needed
	// 3-1-202改投同意后 / after 3-1-202 changes its vote:
	//   参与 taking part: 12/12 户 owners, 781.14/781.14 ㎡ ✓
	//   同意 agreeing:    9/12 户 owners, 592.19/781.14 ㎡ ✓
	//   决定有效 / the decision is valid
}

// The bill for the same unit: ¥580,000.00 of works, ¥200,000.00 of
// government subsidy, the rest shared by floor under the default scheme.
func ExampleAllocate() {
	const total, subsidy = 58_000_000, 20_000_000 // fen
	hs := huicui(nil)
	shares, err := consent.Allocate(total, subsidy, consent.DefaultScheme(6), hs)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("总价 total ¥%s − 补贴 subsidy ¥%s = 业主分摊 owners' part ¥%s\n", yuan(total), yuan(subsidy), yuan(total-subsidy))
	fmt.Println("户号 层 面积 系数 金额 / flat, floor, m², factor, yuan:")
	var sum int64
	for i, sh := range shares {
		f := consent.DefaultScheme(6).Coefficients[sh.Floor]
		fmt.Printf("%-8s %5d %7s %5s %11s\n", hs[i].Label, sh.Floor, m2(sh.AreaCenti), f, yuan(sh.AmountFen))
		sum += sh.AmountFen
	}
	fmt.Println(strings.Repeat("-", 40))
	fmt.Printf("合计 sum %31s\n", yuan(sum))
	// Output:
	// 总价 total ¥580,000.00 − 补贴 subsidy ¥200,000.00 = 业主分摊 owners' part ¥380,000.00
	// 户号 层 面积 系数 金额 / flat, floor, m², factor, yuan:
	// 3-1-101      1   58.76     0        0.00
	// 3-1-102      1   71.43     0        0.00
	// 3-1-201      2   58.76     0        0.00
	// 3-1-202      2   71.43     0        0.00
	// 3-1-301      3   58.76   0.7   35,310.74
	// 3-1-302      3   71.43   0.7   42,924.55
	// 3-1-401      4   58.76   0.8   40,355.14
	// 3-1-402      4   71.43   0.8   49,056.63
	// 3-1-501      5   58.76   0.9   45,399.53
	// 3-1-502      5   71.43   0.9   55,188.71
	// 3-1-601      6   58.76     1   50,443.92
	// 3-1-602      6   71.43     1   61,320.78
	// ----------------------------------------
	// 合计 sum                      380,000.00
}
