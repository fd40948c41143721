package consent

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"linli"
)

// Ratio is an exact fraction Num/Den, e.g. {7, 10} for 0.7. A coefficient
// must have 0 ≤ Num ≤ MaxFactor·Den and 1 ≤ Den ≤ MaxFactorDen
// (Scheme.Validate).
type Ratio struct{ Num, Den int64 }

// Bounds on coefficients. Published plans use tenths (0.7 … 1.3); the
// bounds catch typos and keep coefficient × area inside int64.
const (
	MaxFactor    = 100
	MaxFactorDen = 1_000_000
)

// String writes q as an exact decimal when it has one ("0.7", "1",
// "4566.1") and as "num/den" otherwise ("1/3").
func (q Ratio) String() string {
	if q.Den == 0 {
		return strconv.FormatInt(q.Num, 10) + "/0"
	}
	r := new(big.Rat).SetFrac64(q.Num, q.Den)
	if r.IsInt() {
		return r.Num().String()
	}
	// A fraction in lowest terms has a finite decimal iff its denominator
	// is 2^a·5^b; it then needs max(a, b) decimals.
	d := new(big.Int).Set(r.Denom())
	digits := map[int64]int{2: 0, 5: 0}
	for _, p := range []int64{2, 5} {
		bp := big.NewInt(p)
		for new(big.Int).Mod(d, bp).Sign() == 0 {
			d.Quo(d, bp)
			digits[p]++
		}
	}
	if d.Cmp(big.NewInt(1)) != 0 {
		return r.String()
	}
	return r.FloatString(max(digits[2], digits[5]))
}

// reduced is q in lowest terms; q.Den must be positive.
func (q Ratio) reduced() Ratio {
	a, b := q.Num, q.Den
	if a < 0 {
		a = -a
	}
	for b != 0 {
		a, b = b, a%b
	}
	if a == 0 { // q.Num == 0
		return Ratio{0, 1}
	}
	return Ratio{q.Num / a, q.Den / a}
}

// Coefficient is one floor's factor in a Scheme.
type Coefficient struct {
	Floor  int
	Factor Ratio
}

// Scheme sets the cost-sharing coefficient of each floor (分摊系数).
// Every floor a paying household lives on needs one, zero included:
// a missing floor is an error, not a floor that pays nothing.
type Scheme struct {
	Coefficients map[int]Ratio // floor → factor
}

// DefaultScheme is one published plan for a building of the given number of
// floors: floors 1–2 pay nothing, floor 3 pays 0.7 and each floor above 0.1
// more (6 = 1.0, 9 = 1.3).
func DefaultScheme(floors int) Scheme {
	s := Scheme{Coefficients: make(map[int]Ratio, max(floors, 0))}
	for f := 1; f <= floors; f++ {
		if f <= 2 {
			s.Coefficients[f] = Ratio{0, 1}
		} else {
			s.Coefficients[f] = Ratio{int64(f) + 4, 10}.reduced()
		}
	}
	return s
}

// List is the scheme's coefficients by floor, lowest first.
func (s Scheme) List() []Coefficient {
	cs := make([]Coefficient, 0, len(s.Coefficients))
	for f, q := range s.Coefficients {
		cs = append(cs, Coefficient{f, q})
	}
	slices.SortFunc(cs, func(a, b Coefficient) int { return cmp.Compare(a.Floor, b.Floor) })
	return cs
}

// Validate refuses a coefficient out of bounds (negative, a denominator
// that is not positive, see Ratio) and names every floor in floors that
// has none ("第4层没有分摊系数 / floor 4 has no coefficient").
func (s Scheme) Validate(floors []int) error {
	var msgs []string
	for _, c := range s.List() {
		q := c.Factor
		switch {
		case q.Den < 1 || q.Den > MaxFactorDen:
			msgs = append(msgs, fmt.Sprintf("第%d层分摊系数%d/%d的分母须在1至%d之间 / floor %d: the denominator of coefficient %d/%d must be between 1 and %d",
				c.Floor, q.Num, q.Den, MaxFactorDen, c.Floor, q.Num, q.Den, MaxFactorDen))
		case q.Num < 0:
			msgs = append(msgs, fmt.Sprintf("第%d层分摊系数%s为负 / floor %d: coefficient %s is negative", c.Floor, q, c.Floor, q))
		case q.Num > MaxFactor*q.Den:
			msgs = append(msgs, fmt.Sprintf("第%d层分摊系数%s大于%d / floor %d: coefficient %s exceeds %d", c.Floor, q, MaxFactor, c.Floor, q, MaxFactor))
		}
	}
	var missing []int
	for _, f := range floors {
		if _, ok := s.Coefficients[f]; !ok {
			missing = append(missing, f)
		}
	}
	slices.Sort(missing)
	missing = slices.Compact(missing)
	if len(missing) > 0 {
		zh := make([]string, len(missing))
		for i, f := range missing {
			zh[i] = strconv.Itoa(f)
		}
		if len(missing) == 1 {
			msgs = append(msgs, fmt.Sprintf("第%d层没有分摊系数 / floor %d has no coefficient", missing[0], missing[0]))
		} else {
			msgs = append(msgs, fmt.Sprintf("第%s层没有分摊系数 / floors %s have no coefficient",
				strings.Join(zh, "、"), strings.Join(zh, ", ")))
		}
	}
	if len(msgs) > 0 {
		return linli.Invalid(strings.Join(msgs, "; "))
	}
	return nil
}

// Share is one household's part of the cost.
type Share struct {
	HouseholdID int64
	Floor       int
	AreaCenti   int64
	Weight      Ratio // coefficient × area (in 0.01 m²), lowest terms
	AmountFen   int64
}

// Allocate shares totalFen − subsidyFen among hs in proportion to each
// household's weight, its floor's coefficient × its exclusive area. Shares
// come back in the order of hs.
//
// Rounding (largest remainder, Hamilton's method): each household first
// gets its exact share rounded down to the fen; the fen left over — fewer
// than the number of households — go one each to the households with the
// largest remainders, ties to the lower household id. So the amounts sum
// exactly to total − subsidy, no amount is off its exact share by a fen or
// more, a household of weight 0 pays 0, a larger weight never pays less,
// and the result does not depend on the order of hs. All arithmetic is
// exact (math/big); no float is used.
//
// Errors: a negative amount, a subsidy above the total, a bad household
// (duplicate id, area out of range), a floor without a valid coefficient
// (Scheme.Validate), and an amount to share when every weight is zero.
func Allocate(totalFen, subsidyFen int64, s Scheme, hs []Household) ([]Share, error) {
	if totalFen < 0 || subsidyFen < 0 {
		return nil, linli.Errorf(linli.EInvalid, "金额不能为负（总价%d分，补贴%d分） / amounts cannot be negative (total %d fen, subsidy %d fen)",
			totalFen, subsidyFen, totalFen, subsidyFen)
	}
	if subsidyFen > totalFen {
		return nil, linli.Errorf(linli.EInvalid, "补贴%s元超过总价%s元 / the subsidy ¥%s exceeds the total ¥%s",
			yuanText(subsidyFen), yuanText(totalFen), yuanText(subsidyFen), yuanText(totalFen))
	}
	if ps := householdProblems(hs); len(ps) > 0 {
		return nil, linli.Invalid(strings.Join(ps, "; "))
	}
	floors := make([]int, len(hs))
	for i, h := range hs {
		floors[i] = h.Floor
	}
	if err := s.Validate(floors); err != nil {
		return nil, err
	}
	amount := totalFen - subsidyFen

	// Weights over one common denominator, so shares compare as integers.
	shares := make([]Share, len(hs))
	den := big.NewInt(1)
	for i, h := range hs {
		f := s.Coefficients[h.Floor].reduced()
		// Fits: Num ≤ MaxFactor·MaxFactorDen = 10^8, area ≤ 10^7.
		w := Ratio{f.Num * h.AreaCenti, f.Den}.reduced()
		shares[i] = Share{HouseholdID: h.ID, Floor: h.Floor, AreaCenti: h.AreaCenti, Weight: w}
		den = lcm(den, big.NewInt(w.Den))
	}
	weights := make([]*big.Int, len(hs))
	sum := new(big.Int)
	for i, sh := range shares {
		weights[i] = new(big.Int).Quo(den, big.NewInt(sh.Weight.Den))
		weights[i].Mul(weights[i], big.NewInt(sh.Weight.Num))
		sum.Add(sum, weights[i])
	}
	if sum.Sign() == 0 {
		if amount > 0 {
			return nil, linli.Errorf(linli.EInvalid, "所有住户的分摊系数×面积均为零，%s元无人分摊 / every household's weight is zero, so nobody can share ¥%s",
				yuanText(amount), yuanText(amount))
		}
		return shares, nil
	}

	// Exact share amount·w/sum = quotient + remainder/sum.
	a := big.NewInt(amount)
	rems := make([]*big.Int, len(hs))
	left := amount
	for i := range shares {
		q, r := new(big.Int).QuoRem(new(big.Int).Mul(a, weights[i]), sum, new(big.Int))
		shares[i].AmountFen = q.Int64() // ≤ amount
		rems[i] = r
		left -= shares[i].AmountFen
	}
	order := make([]int, len(hs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int {
		if c := rems[j].Cmp(rems[i]); c != 0 {
			return c // larger remainder first
		}
		return cmp.Compare(shares[i].HouseholdID, shares[j].HouseholdID)
	})
	// left < len(hs): the remainders, each below one fen, add up to it.
	for _, i := range order[:left] {
		shares[i].AmountFen++
	}
	return shares, nil
}

func lcm(a, b *big.Int) *big.Int {
	g := new(big.Int).GCD(nil, nil, a, b)
	return new(big.Int).Mul(new(big.Int).Quo(a, g), b)
}

// yuanText writes an amount in fen as yuan with two decimals.
func yuanText(fen int64) string {
	return fmt.Sprintf("%d.%02d", fen/100, fen%100)
}
