package htmlreport

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// view is what the template reads: the Report and the geometry of its
// charts, in SVG user units (px).
type view struct {
	*Report
	Legend   []legendItem
	Bars     barChart
	Heat     heatMap
	HeatKey  []heatKey
	TopMax   float64 // the largest contribution of any runtime's Top
	Exposers []int   // per Syscalls: how many runtimes expose it
	// AnyAbsent: some runtime lets through syscalls the target kernel
	// lacks.
	AnyAbsent bool
	// AlphaNot1: some coefficient is not 1, so α·norm differs from norm.
	AlphaNot1 bool
	Hist      histChart
}

// histChart is the history section: the normalised score of each
// family's versions over time, a step line each (a version holds until
// the next), with a point per version.
type histChart struct {
	Width, Height, Left, Top, PlotW, PlotH float64
	YTicks, XTicks                         []tick // XTicks: years; tick.X is x, YTicks' X is y
	Lines                                  []histLine
}

type histLine struct {
	*History
	Fill   string
	Path   string // SVG path data of the step line
	Points []histPoint
	LastY  float64 // where the family's label goes
	// Steps are the versions whose score changed, for the table.
	Steps []histStep
}

type histStep struct {
	*HistoryVersion
	ChangedText string // "socket 0.64→0.96, …"
}

type histPoint struct {
	*HistoryVersion
	X, Y float64
}

type legendItem struct {
	Name, Fill string
	Alpha      float64
}

type barChart struct {
	Width, Height float64
	LabelW, BarW  float64
	Ticks         []tick
	Rows          []barRow
	AxisY         float64
}

type tick struct {
	X     float64
	Label string
}

type barRow struct {
	*Runtime
	Y, LabelY, ValueX float64
	Segments          []segment
}

type segment struct {
	Metric, Fill string
	X, W, Part   float64
	Share        float64 // of the runtime's normalised score
}

type heatMap struct {
	Width, Height   float64
	LabelW, HeaderH float64
	CellW, CellH    float64
	Cols            []heatCol
	Rows            []heatRow
	Max             float64 // the degree × weight that gets the darkest colour
}

type heatCol struct {
	Name string
	X    float64 // centre of the column
}

type heatRow struct {
	Name   string
	Y      float64
	Weight float64
	Cells  []heatCell
}

type heatCell struct {
	Runtime              string
	X                    float64
	Degree, Value, Score float64
	Fill                 string
}

type heatKey struct {
	X    float64
	Fill string
}

// Chart geometry.
const (
	barLabelW = 230.0
	barW      = 600.0
	barRowH   = 24.0
	barH      = 16.0
	barTop    = 8.0

	heatLabelW  = 150.0
	heatHeaderH = 180.0
	heatCellW   = 16.0
	heatCellH   = 12.0
)

// metricFill colours a metric: the Okabe–Ito palette, told apart with
// the common colour-vision deficiencies.
var metricFill = map[string]string{
	"cves":       "#E69F00",
	"severity":   "#D55E00",
	"exploits":   "#CC79A7",
	"complexity": "#0072B2",
	"reach":      "#56B4E9",
	"triggers":   "#009E73",
}

func fillOf(metric string) string {
	if f, ok := metricFill[metric]; ok {
		return f
	}
	return "#999999"
}

func layout(r *Report) *view {
	v := &view{Report: r}
	for _, m := range r.Metrics {
		v.Legend = append(v.Legend, legendItem{Name: m.Name, Fill: fillOf(m.Name), Alpha: m.Alpha})
		v.AlphaNot1 = v.AlphaNot1 || m.Alpha != 1
	}
	v.Bars = bars(r)
	v.Hist = hist(r)
	v.Heat = heat(r)
	for i := 0; i <= 10; i++ {
		v.HeatKey = append(v.HeatKey, heatKey{X: float64(i) * 20, Fill: heatFill(float64(i) / 10)})
	}
	for _, rt := range r.Runtimes {
		v.AnyAbsent = v.AnyAbsent || rt.Absent > 0
		for _, c := range rt.Top {
			v.TopMax = max(v.TopMax, c.Value)
		}
	}
	for _, s := range r.Syscalls {
		n := 0
		for _, d := range s.Degrees {
			if d > 0 {
				n++
			}
		}
		v.Exposers = append(v.Exposers, n)
	}
	return v
}

func bars(r *Report) barChart {
	// The scale ends at 1 (no filter) or at the largest score, whichever
	// is larger: a profile can expose more than the unconfined process
	// only through rounding, but the bars must fit.
	top := 1.0
	for _, rt := range r.Runtimes {
		top = max(top, rt.Normalized)
	}
	scale := barW / top
	c := barChart{LabelW: barLabelW, BarW: barW, Width: barLabelW + barW + 70}
	for i, rt := range r.Runtimes {
		y := barTop + float64(i)*barRowH
		row := barRow{Runtime: &r.Runtimes[i], Y: y, LabelY: y + barH - 4}
		x := barLabelW
		for k, m := range r.Metrics {
			p := rt.Parts[k]
			share := 0.0
			if rt.Normalized > 0 {
				share = p / rt.Normalized
			}
			row.Segments = append(row.Segments, segment{Metric: m.Name, Fill: fillOf(m.Name), X: x, W: p * scale, Part: p, Share: share})
			x += p * scale
		}
		row.ValueX = barLabelW + rt.Normalized*scale + 6
		c.Rows = append(c.Rows, row)
	}
	c.AxisY = barTop + float64(len(r.Runtimes))*barRowH
	for i := 0; i <= 4; i++ {
		t := top * float64(i) / 4
		c.Ticks = append(c.Ticks, tick{X: barLabelW + t*scale, Label: strconv.FormatFloat(t, 'f', 2, 64)})
	}
	c.Height = c.AxisY + 22
	return c
}

func heat(r *Report) heatMap {
	h := heatMap{LabelW: heatLabelW, HeaderH: heatHeaderH, CellW: heatCellW, CellH: heatCellH}
	for _, s := range r.Syscalls {
		h.Max = max(h.Max, s.Weight)
	}
	for j, rt := range r.Runtimes {
		h.Cols = append(h.Cols, heatCol{Name: rt.Name, X: heatLabelW + (float64(j)+0.5)*heatCellW})
	}
	for i, s := range r.Syscalls {
		row := heatRow{Name: s.Name, Y: heatHeaderH + float64(i)*heatCellH, Weight: s.Weight}
		for j, d := range s.Degrees {
			if d <= 0 {
				continue
			}
			v := d * s.Weight
			t := 0.0
			if h.Max > 0 {
				t = v / h.Max
			}
			row.Cells = append(row.Cells, heatCell{Runtime: r.Runtimes[j].Name, X: heatLabelW + float64(j)*heatCellW,
				Degree: d, Value: v, Fill: heatFill(t)})
		}
		h.Rows = append(h.Rows, row)
	}
	h.Width = heatLabelW + float64(len(r.Runtimes))*heatCellW + 110
	h.Height = heatHeaderH + float64(len(r.Syscalls))*heatCellH + 4
	return h
}

// heatStops is a sequential scale from pale yellow to dark red (ColorBrewer
// YlOrRd, 5 classes), interpolated linearly in RGB.
var heatStops = [][3]float64{{255, 255, 178}, {254, 204, 92}, {253, 141, 60}, {240, 59, 32}, {189, 0, 38}}

// heatFill maps t in [0,1] to a colour of heatStops.
func heatFill(t float64) string {
	t = min(max(t, 0), 1)
	pos := t * float64(len(heatStops)-1)
	i := min(int(pos), len(heatStops)-2)
	f := pos - float64(i)
	a, b := heatStops[i], heatStops[i+1]
	var c [3]int
	for k := range c {
		c[k] = int(a[k] + (b[k]-a[k])*f + 0.5)
	}
	return fmt.Sprintf("#%02x%02x%02x", c[0], c[1], c[2])
}

// History chart geometry and family colours (Okabe–Ito, as the metrics).
const (
	histLeft  = 50.0
	histTop   = 10.0
	histPlotW = 820.0
	histPlotH = 260.0
)

var historyFill = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"}

func hist(r *Report) histChart {
	c := histChart{Left: histLeft, Top: histTop, PlotW: histPlotW, PlotH: histPlotH,
		Width: histLeft + histPlotW + 150, Height: histTop + histPlotH + 30}
	if len(r.Histories) == 0 {
		return c
	}
	day := func(d string) float64 {
		t, _ := time.Parse(time.DateOnly, d) // check() parsed it
		return float64(t.Unix()) / 86400
	}
	lo, hi, top := math.Inf(1), math.Inf(-1), 0.0
	for _, h := range r.Histories {
		for _, v := range h.Versions {
			lo, hi, top = min(lo, day(v.Date)), max(hi, day(v.Date)), max(top, v.Normalized)
		}
	}
	// x runs from the first version's year to the year after the last;
	// y from 0 to the next tenth above the highest score.
	y0, _ := time.Parse(time.DateOnly, time.Unix(int64(lo*86400), 0).UTC().Format("2006")+"-01-01")
	y1, _ := time.Parse(time.DateOnly, strconv.Itoa(time.Unix(int64(hi*86400), 0).UTC().Year()+1)+"-01-01")
	lo, hi = float64(y0.Unix())/86400, float64(y1.Unix())/86400
	top = math.Ceil(top*10) / 10
	if top == 0 {
		top = 1
	}
	x := func(d float64) float64 { return histLeft + (d-lo)/(hi-lo)*histPlotW }
	y := func(n float64) float64 { return histTop + histPlotH - n/top*histPlotH }
	for yr := y0.Year(); yr <= y1.Year(); yr++ {
		t := time.Date(yr, 1, 1, 0, 0, 0, 0, time.UTC)
		c.XTicks = append(c.XTicks, tick{X: x(float64(t.Unix()) / 86400), Label: strconv.Itoa(yr)})
	}
	// a tick every tenth (every fifth above 1)
	step := 0.1
	if top > 1 {
		step = 0.2
	}
	for i := 0; float64(i)*step <= top+1e-9; i++ {
		n := float64(i) * step
		c.YTicks = append(c.YTicks, tick{X: y(n), Label: strconv.FormatFloat(n, 'f', 1, 64)})
	}
	for i := range r.Histories {
		h := &r.Histories[i]
		l := histLine{History: h, Fill: historyFill[i%len(historyFill)]}
		var path strings.Builder
		for j := range h.Versions {
			v := &h.Versions[j]
			p := histPoint{HistoryVersion: v, X: x(day(v.Date)), Y: y(v.Normalized)}
			if j == 0 {
				fmt.Fprintf(&path, "M%.1f %.1f", p.X, p.Y)
			} else {
				fmt.Fprintf(&path, "H%.1f V%.1f", p.X, p.Y)
			}
			if j > 0 && v.Delta != 0 {
				st := histStep{HistoryVersion: v}
				for k, name := range v.Changed {
					if k > 0 {
						st.ChangedText += ", "
					}
					// two decimals, or four where two would show no change
					prec := 2
					if fmt.Sprintf("%.2f", v.ChangedFrom[k]) == fmt.Sprintf("%.2f", v.ChangedTo[k]) {
						prec = 4
					}
					st.ChangedText += fmt.Sprintf("%s %.*f→%.*f", name, prec, v.ChangedFrom[k], prec, v.ChangedTo[k])
				}
				l.Steps = append(l.Steps, st)
			}
			l.Points = append(l.Points, p)
			l.LastY = p.Y
		}
		l.Path = path.String()
		c.Lines = append(c.Lines, l)
	}
	// The labels at the right end keep 13 px apart, top to bottom.
	order := make([]int, len(c.Lines))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return c.Lines[order[a]].LastY < c.Lines[order[b]].LastY })
	for k := 1; k < len(order); k++ {
		prev, cur := &c.Lines[order[k-1]], &c.Lines[order[k]]
		cur.LastY = max(cur.LastY, prev.LastY+13)
	}
	return c
}
