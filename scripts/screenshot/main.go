// Command screenshot logs in to a running Linli in headless Chromium and
// saves PNG screenshots of pages, for the README and for looking at the UI:
//
//	go run ./scripts/screenshot -url http://127.0.0.1:8080 -user xueyuan -out /tmp/shots /stats /cases
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "Linli base URL (loopback)")
	user := flag.String("user", "xueyuan", "demo account")
	pass := flag.String("password", "Linli-demo-2026", "password")
	out := flag.String("out", "/tmp/linli-shots", "output directory")
	width := flag.Int("width", 1366, "viewport width")
	height := flag.Int("height", 900, "viewport height")
	lang := flag.String("lang", "zh", "zh or en")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	exe := "/usr/bin/chromium"
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(*width, *height))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	tasks := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(*base + "/login"),
		chromedp.SendKeys("#login", *user),
		chromedp.SendKeys("#password", *pass),
		chromedp.Submit("#password"),
		chromedp.WaitVisible("main"),
	}
	if *lang == "en" {
		// Wait for the English page itself: "main" is visible on the
		// Chinese page already, and navigating on at once could beat the
		// switch's cookie (an "English" screenshot came out in Chinese).
		tasks = append(tasks, chromedp.Click("[data-test=lang-en]"), chromedp.WaitReady(`html[lang="en"]`))
	}
	if err := chromedp.Do(ctx, tasks...); err != nil {
		log.Fatal(err)
	}
	for _, p := range flag.Args() {
		if err := chromedp.Do(ctx, chromedp.Navigate(*base+p), chromedp.WaitVisible("main")); err != nil {
			log.Fatal(err)
		}
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			log.Fatal(err)
		}
		name := strings.Trim(strings.NewReplacer("/", "_", "?", "_", "&", "_", "=", "-").Replace(p), "_")
		if name == "" {
			name = "home"
		}
		f := filepath.Join(*out, fmt.Sprintf("%s-%s-%d.png", *user, name, *width))
		if err := os.WriteFile(f, buf, 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Println(f)
	}
}
