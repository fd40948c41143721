package consent_test

import (
	"cmp"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"linli"
	"linli/consent"
)

func TestDefaultScheme(t *testing.T) {
	s := consent.DefaultScheme(9)
	want := map[int]string{1: "0", 2: "0", 3: "0.7", 4: "0.8", 5: "0.9", 6: "1", 7: "1.1", 8: "1.2", 9: "1.3"}
	if len(s.Coefficients) != len(want) {
		t.Fatalf("%d coefficients, want %d", len(s.Coefficients), len(want))
	}
	for f, w := range want {
		if got := s.Coefficients[f].String(); got != w {
			t.Errorf("floor %d: %s, want %s", f, got, w)
		}
	}
	if got := s.Coefficients[3]; got != (consent.Ratio{Num: 7, Den: 10}) {
		t.Errorf("floor 3 = %+v, want 7/10", got)
	}
	if err := s.Validate([]int{1, 2, 3, 9}); err != nil {
		t.Error(err)
	}
	for _, n := range []int{0, -3} {
		if got := consent.DefaultScheme(n); len(got.Coefficients) != 0 {
			t.Errorf("DefaultScheme(%d) = %v, want empty", n, got)
		}
	}
	list := consent.DefaultScheme(4).List()
	if len(list) != 4 || list[0].Floor != 1 || list[3] != (consent.Coefficient{Floor: 4, Factor: consent.Ratio{Num: 4, Den: 5}}) {
		t.Errorf("List() = %+v", list)
	}
}

func TestRatioString(t *testing.T) {
	for _, tt := range []struct {
		q    consent.Ratio
		want string
	}{
		{consent.Ratio{Num: 7, Den: 10}, "0.7"},
		{consent.Ratio{Num: 10, Den: 10}, "1"},
		{consent.Ratio{Num: 0, Den: 7}, "0"},
		{consent.Ratio{Num: 45661, Den: 10}, "4566.1"},
		{consent.Ratio{Num: 1, Den: 8}, "0.125"},
		{consent.Ratio{Num: 3, Den: 40}, "0.075"},
		{consent.Ratio{Num: 1, Den: 3}, "1/3"},
		{consent.Ratio{Num: 4, Den: 6}, "2/3"},
		{consent.Ratio{Num: -7, Den: 10}, "-0.7"},
		{consent.Ratio{Num: 7, Den: 0}, "7/0"},
	} {
		if got := tt.q.String(); got != tt.want {
			t.Errorf("%d/%d: %q, want %q", tt.q.Num, tt.q.Den, got, tt.want)
		}
	}
}

func TestSchemeValidate(t *testing.T) {
	s := consent.DefaultScheme(3)
	tests := []struct {
		name   string
		scheme consent.Scheme
		floors []int
		want   string
	}{
		{"one floor missing", s, []int{1, 3, 4, 3}, "第4层没有分摊系数 / floor 4 has no coefficient"},
		{"several floors missing, sorted once each", s, []int{7, 0, 4, 7, 2}, "第0、4、7层没有分摊系数 / floors 0, 4, 7 have no coefficient"},
		{"negative factor", consent.Scheme{Coefficients: map[int]consent.Ratio{3: {Num: -7, Den: 10}}}, []int{3},
			"第3层分摊系数-0.7为负 / floor 3: coefficient -0.7 is negative"},
		{"negative factor on a floor nobody lives on", consent.Scheme{Coefficients: map[int]consent.Ratio{3: {Num: 7, Den: 10}, 5: {Num: -1, Den: 1}}}, []int{3},
			"floor 5: coefficient -1 is negative"},
		{"zero denominator", consent.Scheme{Coefficients: map[int]consent.Ratio{3: {}}}, []int{3},
			"第3层分摊系数0/0的分母须在1至1000000之间 / floor 3: the denominator of coefficient 0/0 must be between 1 and 1000000"},
		{"negative denominator", consent.Scheme{Coefficients: map[int]consent.Ratio{3: {Num: -7, Den: -10}}}, []int{3},
			"the denominator of coefficient -7/-10"},
		{"denominator too large", consent.Scheme{Coefficients: map[int]consent.Ratio{3: {Num: 7, Den: consent.MaxFactorDen + 1}}}, []int{3},
			"must be between 1 and 1000000"},
		{"factor too large", consent.Scheme{Coefficients: map[int]consent.Ratio{3: {Num: 1001, Den: 10}}}, []int{3},
			"第3层分摊系数100.1大于100 / floor 3: coefficient 100.1 exceeds 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.scheme.Validate(tt.floors)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want %q", err, tt.want)
			}
			if linli.ErrorCode(err) != linli.EInvalid || !strings.Contains(linli.ErrorMessage(err), tt.want) {
				t.Errorf("code %q message %q, want invalid", linli.ErrorCode(err), linli.ErrorMessage(err))
			}
		})
	}
	// Bounds are inclusive.
	edge := consent.Scheme{Coefficients: map[int]consent.Ratio{1: {Num: 0, Den: 1}, 2: {Num: consent.MaxFactor * consent.MaxFactorDen, Den: consent.MaxFactorDen}}}
	if err := edge.Validate([]int{1, 2}); err != nil {
		t.Error(err)
	}
	if err := (consent.Scheme{}).Validate(nil); err != nil {
		t.Errorf("empty scheme, no floors: %v", err)
	}
}

// flats builds households on the given floors, ids 1..n, area 100.00 m²
// unless areas gives one.
func flats(floors []int, areas ...int64) []consent.Household {
	hs := make([]consent.Household, len(floors))
	for i, f := range floors {
		hs[i] = consent.Household{ID: int64(i + 1), Floor: f, AreaCenti: 10000}
		if i < len(areas) {
			hs[i].AreaCenti = areas[i]
		}
	}
	return hs
}

func amounts(shares []consent.Share) []int64 {
	a := make([]int64, len(shares))
	for i, s := range shares {
		a[i] = s.AmountFen
	}
	return a
}

func TestAllocate(t *testing.T) {
	def := consent.DefaultScheme(9)
	flat := consent.Scheme{Coefficients: map[int]consent.Ratio{1: {Num: 1, Den: 1}, 2: {Num: 2, Den: 1}}}
	tests := []struct {
		name           string
		total, subsidy int64
		scheme         consent.Scheme
		hs             []consent.Household
		want           []int64
	}{
		{"exact, no rounding: 0.7 and 1.0", 1700, 0, def, flats([]int{3, 6}), []int64{700, 1000}},
		{"floors 1–2 pay nothing", 1700, 0, def, flats([]int{1, 3, 2, 6}), []int64{0, 700, 0, 1000}},
		{"subsidy comes off first", 2700, 1000, def, flats([]int{3, 6}), []int64{700, 1000}},
		// 33.33 each; the fen left goes to the lowest id, whatever the order.
		{"tie to the lowest id", 100, 0, def, []consent.Household{
			{ID: 9, Floor: 4, AreaCenti: 5000}, {ID: 4, Floor: 4, AreaCenti: 5000}, {ID: 7, Floor: 4, AreaCenti: 5000}},
			[]int64{33, 34, 33}},
		// 66.67 each: rounding each would bill 201; Hamilton bills 200.
		{"two fen left, not rounding to nearest", 200, 0, def, flats([]int{5, 5, 5}), []int64{67, 67, 66}},
		// Weights 1 : 2 of 10 fen: 3.33 and 6.67; the larger remainder wins.
		{"largest remainder wins", 10, 0, flat, flats([]int{1, 2}), []int64{3, 7}},
		// Weights 1 : 2 : 2 of 7 fen: 1.4, 2.8, 2.8 → 1, 2, 2 and the 2 fen
		// left go to the .8 remainders; the .4 keeps 1.
		{"remainders 0.4 0.8 0.8", 7, 0, flat, flats([]int{1, 2, 2}), []int64{1, 3, 3}},
		// Area counts: same floor, 58.76 and 71.43 m² share 130.19 fen.
		{"area weights", 13019, 0, def, flats([]int{4, 4}, 5876, 7143), []int64{5876, 7143}},
		{"nothing to share", 5000, 5000, def, flats([]int{3, 6}), []int64{0, 0}},
		{"nothing to share and all weights zero", 0, 0, def, flats([]int{1, 2}), []int64{0, 0}},
		{"no households, nothing to share", 0, 0, def, nil, []int64{}},
		// 10^11 fen over the largest areas and awkward denominators: the
		// common denominator (999983 · 999979 · …) outgrows int64.
		{"large amounts", 100_000_000_000, 1, consent.Scheme{Coefficients: map[int]consent.Ratio{
			1: {Num: 1, Den: 999983}, 2: {Num: 100 * 999979, Den: 999979}, 3: {Num: 999999, Den: 1000000}, 4: {Num: 1, Den: 999961}}},
			flats([]int{1, 2, 3, 4}, consent.MaxAreaCenti, consent.MaxAreaCenti, consent.MaxAreaCenti, 1), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := consent.Allocate(tt.total, tt.subsidy, tt.scheme, tt.hs)
			if err != nil {
				t.Fatal(err)
			}
			checkShares(t, tt.total-tt.subsidy, tt.scheme, tt.hs, got)
			if tt.want != nil && !slices.Equal(amounts(got), tt.want) {
				t.Errorf("amounts %v, want %v", amounts(got), tt.want)
			}
		})
	}
}

func TestAllocateShareFields(t *testing.T) {
	hs := flats([]int{3, 6}, 5876, 7143)
	hs[0].ID, hs[1].ID = 301, 601
	got, err := consent.Allocate(100_000, 0, consent.DefaultScheme(6), hs)
	if err != nil {
		t.Fatal(err)
	}
	want := []consent.Share{
		{HouseholdID: 301, Floor: 3, AreaCenti: 5876, Weight: consent.Ratio{Num: 20566, Den: 5}}, // 0.7 × 5876 = 4113.2
		{HouseholdID: 601, Floor: 6, AreaCenti: 7143, Weight: consent.Ratio{Num: 7143, Den: 1}},
	}
	// 100000 × 4113.2 / 11256.2 = 36541.639…, 63458.360…
	want[0].AmountFen, want[1].AmountFen = 36542, 63458
	if !slices.Equal(got, want) {
		t.Errorf("Allocate =\n%+v\nwant\n%+v", got, want)
	}
	if got[0].Weight.String() != "4113.2" {
		t.Errorf("weight %s", got[0].Weight)
	}
}

func TestAllocateErrors(t *testing.T) {
	def := consent.DefaultScheme(6)
	good := flats([]int{3, 4})
	with := func(f func(hs []consent.Household)) []consent.Household {
		hs := slices.Clone(good)
		f(hs)
		return hs
	}
	tests := []struct {
		name           string
		total, subsidy int64
		scheme         consent.Scheme
		hs             []consent.Household
		want           string
	}{
		{"subsidy above total", 100, 101, def, good, "补贴1.01元超过总价1.00元 / the subsidy ¥1.01 exceeds the total ¥1.00"},
		{"negative total", -1, 0, def, good, "amounts cannot be negative (total -1 fen, subsidy 0 fen)"},
		{"negative subsidy", 100, -1, def, good, "amounts cannot be negative"},
		{"unknown floor", 100, 0, def, flats([]int{3, 7}), "第7层没有分摊系数 / floor 7 has no coefficient"},
		{"basement", 100, 0, def, flats([]int{0}), "floor 0 has no coefficient"},
		{"negative factor", 100, 0, consent.Scheme{Coefficients: map[int]consent.Ratio{3: {Num: -1, Den: 10}, 4: {Num: 1, Den: 1}}}, good, "coefficient -0.1 is negative"},
		{"all weights zero", 100, 0, def, flats([]int{1, 2}), "所有住户的分摊系数×面积均为零，1.00元无人分摊 / every household's weight is zero, so nobody can share ¥1.00"},
		{"no households", 100, 0, def, nil, "every household's weight is zero"},
		{"duplicate id", 100, 0, def, with(func(hs []consent.Household) { hs[1].ID = hs[0].ID }), "household id 1 appears twice"},
		{"zero area", 100, 0, def, with(func(hs []consent.Household) { hs[1].AreaCenti = 0 }), "household #2: exclusive area 0.00 m²"},
		{"area too large", 100, 0, def, with(func(hs []consent.Household) { hs[1].AreaCenti = consent.MaxAreaCenti + 1 }), "exclusive area 100000.01 m²"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := consent.Allocate(tt.total, tt.subsidy, tt.scheme, tt.hs)
			if err == nil || !strings.Contains(linli.ErrorMessage(err), tt.want) {
				t.Fatalf("Allocate = %v, %v; want error %q", got, err, tt.want)
			}
			if linli.ErrorCode(err) != linli.EInvalid {
				t.Errorf("code %q, want invalid", linli.ErrorCode(err))
			}
		})
	}
	if _, err := consent.Allocate(100, 100, def, good); err != nil {
		t.Errorf("subsidy equal to the total: %v", err)
	}
}

// checkShares holds every allocation to its contract against an exact
// reference (math/big.Rat): one share per household in order, the sum is
// exact, each amount is its exact share rounded down or up, weight 0 pays
// 0, and the rounded-up households are those with the largest remainders,
// ties to the lower id.
func checkShares(t *testing.T, amount int64, s consent.Scheme, hs []consent.Household, got []consent.Share) {
	t.Helper()
	if len(got) != len(hs) {
		t.Fatalf("%d shares for %d households", len(got), len(hs))
	}
	var sumW big.Rat
	for _, h := range hs {
		f := s.Coefficients[h.Floor]
		sumW.Add(&sumW, new(big.Rat).Mul(big.NewRat(f.Num, f.Den), new(big.Rat).SetInt64(h.AreaCenti)))
	}
	type rem struct {
		id   int64
		frac *big.Rat
		up   bool
	}
	rems := make([]rem, len(hs))
	var sum int64
	for i, h := range hs {
		sh := got[i]
		if sh.HouseholdID != h.ID || sh.Floor != h.Floor || sh.AreaCenti != h.AreaCenti {
			t.Fatalf("share %d = %+v for household %+v", i, sh, h)
		}
		f := s.Coefficients[h.Floor]
		w := new(big.Rat).Mul(big.NewRat(f.Num, f.Den), new(big.Rat).SetInt64(h.AreaCenti))
		if sh.Weight.Den <= 0 || w.Cmp(big.NewRat(sh.Weight.Num, sh.Weight.Den)) != 0 {
			t.Fatalf("household %d: weight %v, want %v", h.ID, sh.Weight, w)
		}
		if sh.AmountFen < 0 {
			t.Fatalf("household %d pays %d", h.ID, sh.AmountFen)
		}
		if f.Num == 0 && sh.AmountFen != 0 {
			t.Fatalf("household %d on a floor with factor 0 pays %d", h.ID, sh.AmountFen)
		}
		sum += sh.AmountFen
		if sumW.Sign() == 0 {
			continue
		}
		exact := new(big.Rat).Mul(new(big.Rat).SetInt64(amount), new(big.Rat).Quo(w, &sumW))
		fl := new(big.Int).Quo(exact.Num(), exact.Denom()) // exact ≥ 0
		frac := new(big.Rat).Sub(exact, new(big.Rat).SetInt(fl))
		switch sh.AmountFen - fl.Int64() {
		case 0:
		case 1:
			rems[i].up = true
		default:
			t.Fatalf("household %d pays %d, exact share %s", h.ID, sh.AmountFen, exact.FloatString(4))
		}
		rems[i].id, rems[i].frac = h.ID, frac
	}
	if sum != amount {
		t.Fatalf("shares sum to %d, want %d", sum, amount)
	}
	if sumW.Sign() == 0 {
		return
	}
	// Hamilton: sorted by remainder (desc) then id, the rounded-up ones come first.
	slices.SortFunc(rems, func(a, b rem) int {
		if c := b.frac.Cmp(a.frac); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	for i := 1; i < len(rems); i++ {
		if rems[i].up && !rems[i-1].up {
			t.Fatalf("household %d rounded up before %d (remainders %s, %s)",
				rems[i].id, rems[i-1].id, rems[i].frac.FloatString(6), rems[i-1].frac.FloatString(6))
		}
	}
}

// randomUnit draws a unit; areas come from a few sizes so that equal areas
// on different floors are common.
func randomUnit(rng *rand.Rand, floors int) []consent.Household {
	sizes := []int64{1, 4523, 5876, 7143, 8950, 12000, consent.MaxAreaCenti}
	n := rng.IntN(30)
	hs := make([]consent.Household, n)
	for i, id := range rng.Perm(n) {
		a := sizes[rng.IntN(len(sizes))]
		if rng.IntN(3) == 0 {
			a = 1 + rng.Int64N(consent.MaxAreaCenti)
		}
		hs[i] = consent.Household{ID: int64(id)*7 + 3, Floor: 1 + rng.IntN(floors), AreaCenti: a}
	}
	return hs
}

func randomAmounts(rng *rand.Rand) (total, subsidy int64) {
	switch rng.IntN(3) {
	case 0:
		total = rng.Int64N(1000) // a few fen: remainders dominate
	case 1:
		total = rng.Int64N(100_000_000) // up to ¥1,000,000
	default:
		total = rng.Int64N(100_000_000_001) // up to 10^11 fen
	}
	if total > 0 && rng.IntN(2) == 0 {
		subsidy = rng.Int64N(total + 1)
	}
	return total, subsidy
}

func randomScheme(rng *rand.Rand, floors int) consent.Scheme {
	if rng.IntN(2) == 0 {
		return consent.DefaultScheme(floors)
	}
	s := consent.Scheme{Coefficients: map[int]consent.Ratio{}}
	for f := 1; f <= floors; f++ {
		den := 1 + rng.Int64N(consent.MaxFactorDen)
		if rng.IntN(2) == 0 {
			den = 1 + rng.Int64N(20)
		}
		num := rng.Int64N(3 * den)
		if rng.IntN(5) == 0 {
			num = 0
		}
		s.Coefficients[f] = consent.Ratio{Num: num, Den: den}
	}
	return s
}

// TestAllocateProperties runs thousands of random units through
// checkShares, and checks that the result depends on nothing but the
// input: the same call twice, or the households in another order, give
// each household the same amount.
func TestAllocateProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 20250601))
	for range 4000 {
		floors := 1 + rng.IntN(12)
		s := randomScheme(rng, floors)
		hs := randomUnit(rng, floors)
		total, subsidy := randomAmounts(rng)
		got, err := consent.Allocate(total, subsidy, s, hs)
		if err != nil {
			if linli.ErrorCode(err) == linli.EInvalid && strings.Contains(err.Error(), "weight is zero") && total > subsidy {
				continue // every household on a floor with factor 0
			}
			t.Fatalf("Allocate(%d, %d, %v, %+v): %v", total, subsidy, s, hs, err)
		}
		checkShares(t, total-subsidy, s, hs, got)

		again, _ := consent.Allocate(total, subsidy, s, hs)
		if !slices.Equal(got, again) {
			t.Fatal("two calls differ")
		}
		shuffled := slices.Clone(hs)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		other, _ := consent.Allocate(total, subsidy, s, shuffled)
		byID := func(ss []consent.Share) map[int64]int64 {
			m := make(map[int64]int64, len(ss))
			for _, sh := range ss {
				m[sh.HouseholdID] = sh.AmountFen
			}
			return m
		}
		a, b := byID(got), byID(other)
		for id, fen := range a {
			if b[id] != fen {
				t.Fatalf("household %d pays %d, %d after reordering", id, fen, b[id])
			}
		}
	}
}

// Under the default scheme a household never pays less than one of the same
// area on a lower floor.
func TestAllocateHigherFloorPaysNoLess(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 9))
	for range 3000 {
		floors := 3 + rng.IntN(10)
		s := consent.DefaultScheme(floors)
		hs := randomUnit(rng, floors)
		total, subsidy := randomAmounts(rng)
		got, err := consent.Allocate(total, subsidy, s, hs)
		if err != nil {
			if !strings.Contains(err.Error(), "weight is zero") {
				t.Fatal(err)
			}
			continue // everyone on floors 1–2
		}
		for i, x := range got {
			for _, y := range got[i+1:] {
				if x.AreaCenti != y.AreaCenti || x.Floor == y.Floor {
					continue
				}
				lo, hi := x, y
				if lo.Floor > hi.Floor {
					lo, hi = hi, lo
				}
				if hi.AmountFen < lo.AmountFen {
					t.Fatalf("floor %d pays %d, floor %d pays %d, both %d centi-m²", hi.Floor, hi.AmountFen, lo.Floor, lo.AmountFen, lo.AreaCenti)
				}
			}
		}
	}
}

// FuzzAllocate: for any amounts and unit, Allocate either refuses with an
// invalid-input error or bills exactly total − subsidy, never negative, and
// nothing to floors 1–2. Each 4 bytes of data are one household: floor
// (0–10; 0 and 10 have no coefficient) and area.
func FuzzAllocate(f *testing.F) {
	f.Add(int64(58_000_000), int64(20_000_000), []byte{1, 0, 22, 244, 3, 0, 27, 231, 6, 0, 22, 244, 6, 0, 27, 231})
	f.Add(int64(100), int64(0), []byte{5, 0, 0, 1, 5, 0, 0, 1, 5, 0, 0, 1})
	f.Add(int64(100_000_000_000), int64(1), []byte{9, 255, 255, 255, 3, 0, 0, 1})
	f.Add(int64(1), int64(2), []byte{3, 1, 2, 3})
	f.Add(int64(50), int64(0), []byte{1, 1, 1, 1, 2, 2, 2, 2})
	f.Add(int64(-5), int64(0), []byte{})
	s := consent.DefaultScheme(9)
	f.Fuzz(func(t *testing.T, total, subsidy int64, data []byte) {
		var hs []consent.Household
		for i := 0; i+4 <= len(data) && len(hs) < 200; i += 4 {
			area := 1 + (int64(data[i+1])<<16|int64(data[i+2])<<8|int64(data[i+3]))%consent.MaxAreaCenti
			hs = append(hs, consent.Household{ID: int64(len(hs) + 1), Floor: int(data[i] % 11), AreaCenti: area})
		}
		got, err := consent.Allocate(total, subsidy, s, hs)
		if err != nil {
			if linli.ErrorCode(err) != linli.EInvalid {
				t.Fatalf("error %v is not an invalid-input error", err)
			}
			return
		}
		if total < 0 || subsidy < 0 || subsidy > total {
			t.Fatalf("Allocate(%d, %d) accepted", total, subsidy)
		}
		var sum int64
		for _, sh := range got {
			if sh.AmountFen < 0 || (sh.Floor <= 2 && sh.AmountFen != 0) {
				t.Fatalf("share %+v", sh)
			}
			sum += sh.AmountFen
		}
		if sum != total-subsidy {
			t.Fatalf("shares sum to %d, want %d", sum, total-subsidy)
		}
	})
}
