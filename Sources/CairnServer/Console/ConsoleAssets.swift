/// The console's files, served under `/console/` (see `ConsoleRoutes`). Plain HTML, CSS and JavaScript modules,
/// no build step; kept in the binary so that a `cairn` executable serves its console wherever it is copied.
enum ConsoleAssets {
    static let all: [String: ConsoleAsset] = [
        "index.html": ConsoleAsset(contentType: "text/html; charset=utf-8", text: index),
        "console.css": ConsoleAsset(contentType: "text/css; charset=utf-8", text: styles),
        "sigv4.js": ConsoleAsset(contentType: "text/javascript; charset=utf-8", text: sigv4),
        "api.js": ConsoleAsset(contentType: "text/javascript; charset=utf-8", text: api),
        "app.js": ConsoleAsset(contentType: "text/javascript; charset=utf-8", text: app),
        "ui.js": ConsoleAsset(contentType: "text/javascript; charset=utf-8", text: ui),
        "logs.js": ConsoleAsset(contentType: "text/javascript; charset=utf-8", text: logs),
        "insights.js": ConsoleAsset(contentType: "text/javascript; charset=utf-8", text: insights),
        "livetail.js": ConsoleAsset(contentType: "text/javascript; charset=utf-8", text: liveTail),
        "metrics.js": ConsoleAsset(contentType: "text/javascript; charset=utf-8", text: metrics),
        "keys.js": ConsoleAsset(contentType: "text/javascript; charset=utf-8", text: keys),
    ]

    static let index = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Cairn console</title>
        <link rel="stylesheet" href="/console/console.css">
        <script src="/console/vendor/chart.js"></script>
        <script type="module" src="/console/app.js"></script>
        </head>
        <body>
        <header>
          <span class="brand">Cairn</span>
          <nav id="nav" hidden>
            <a href="#/groups" id="nav-groups">Log groups</a>
            <a href="#/metrics" id="nav-metrics">Metrics</a>
            <a href="#/alarms" id="nav-alarms">Alarms</a>
            <a href="#/dashboards" id="nav-dashboards">Dashboards</a>
            <a href="#/keys" id="nav-keys">KMS keys</a>
            <span id="who"></span>
            <button type="button" id="sign-out">Sign out</button>
          </nav>
        </header>
        <main id="main" tabindex="-1"></main>
        <noscript>The console needs JavaScript.</noscript>
        </body>
        </html>
        """#

    static let styles = #"""
        :root { --ink: #1d2a33; --muted: #5b6b76; --line: #d5dde2; --accent: #0b6e99; --bad: #a4262c; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--ink); background: #f6f8f9; }
        header { display: flex; align-items: center; justify-content: space-between; gap: 1rem;
                 padding: .6rem 1rem; background: var(--ink); color: white; flex-wrap: wrap; }
        header a, header button { color: white; }
        .brand { font-weight: 700; letter-spacing: .05em; }
        nav { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
        main { padding: 1rem; max-width: 1280px; margin: 0 auto; }
        main:focus { outline: none; }
        h1 { font-size: 1.3rem; margin: .2rem 0 1rem; overflow-wrap: anywhere; }
        div.inline { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; margin: .5rem 0; }
        form.inline { display: flex; gap: .5rem; flex-wrap: wrap; align-items: end; margin-bottom: 1rem; }
        label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); gap: .2rem; }
        input, select, button { font: inherit; padding: .35rem .5rem; border: 1px solid var(--line); border-radius: 4px; }
        input:focus-visible, select:focus-visible, button:focus-visible, a:focus-visible { outline: 2px solid var(--accent); }
        button { background: var(--accent); color: white; border-color: var(--accent); cursor: pointer; }
        button.secondary { background: white; color: var(--accent); }
        header button { background: transparent; border-color: white; }
        table { width: 100%; border-collapse: collapse; background: white; }
        th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        td { overflow-wrap: anywhere; }
        th { font-size: .8rem; color: var(--muted); text-transform: uppercase; }
        .table-wrap { overflow-x: auto; }
        .error { color: var(--bad); margin: .5rem 0; white-space: pre-wrap; }
        .muted { color: var(--muted); }
        .signin { max-width: 26rem; margin: 3rem auto; background: white; padding: 1.5rem; border-radius: 6px;
                  border: 1px solid var(--line); display: flex; flex-direction: column; gap: .8rem; }
        .event { background: white; border-bottom: 1px solid var(--line); padding: .35rem .5rem;
                 font-family: ui-monospace, monospace; font-size: .85rem; overflow-wrap: anywhere; }
        .event time { color: var(--muted); margin-right: .6rem; }
        .event pre { margin: .3rem 0 0; white-space: pre-wrap; }
        textarea { font: .9rem ui-monospace, monospace; width: 100%; padding: .5rem; border: 1px solid var(--line); border-radius: 4px; }
        #query-form { margin-bottom: .5rem; }
        #query-form .inline { margin-top: .5rem; }
        .chart { position: relative; height: 280px; background: white; border: 1px solid var(--line); margin: .5rem 0 1rem; padding: .5rem; }
        button.danger { background: var(--bad); border-color: var(--bad); }
        button:disabled { opacity: .5; cursor: default; }
        header :focus-visible { outline-color: white; }
        input, select, textarea { max-width: 100%; min-width: 0; }
        .tail:focus-visible, .widget:focus-visible { outline: 2px solid var(--accent); }
        button.small { padding: .1rem .4rem; font-size: .8rem; }
        nav a[aria-current] { font-weight: 700; text-decoration: none; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; background: white;
                   padding: .6rem .8rem; border: 1px solid var(--line); border-radius: 4px; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        ul.plain { list-style: none; padding: 0; }
        ul.plain li { margin: .3rem 0; overflow-wrap: anywhere; }
        ul.tags { list-style: none; padding: 0; margin: 0; }
        .confirm { border: 1px solid var(--bad); background: #fff5f5; padding: .6rem .8rem; border-radius: 4px; margin: .5rem 0; flex-basis: 100%; }
        label.check { flex-direction: row; align-items: center; gap: .4rem; color: var(--ink); }
        .ok { color: #2b6e3f; align-self: center; }
        .tail { max-height: 60vh; overflow-y: auto; border: 1px solid var(--line); }
        .tail .stream { color: var(--accent); margin-right: .5rem; }
        mark { background: #ffe58f; }
        .dashboard { display: grid; grid-template-columns: repeat(24, minmax(0, 1fr)); grid-auto-rows: 48px; gap: .5rem; }
        .widget { background: white; border: 1px solid var(--line); border-radius: 4px; padding: .5rem; overflow: auto; min-width: 0; }
        .widget h3 { font-size: .95rem; margin: 0 0 .3rem; }
        .widget .chart { height: calc(100% - 2rem); min-height: 150px; margin: 0; border: 0; }
        .single-value { font-size: 1.6rem; margin: .2rem 0; }
        .state { font-weight: 700; font-size: .8rem; padding: .05rem .35rem; border-radius: 3px; background: #e8eef1; }
        [data-state="ALARM"] .state { background: var(--bad); color: white; }
        [data-state="OK"] .state { background: #2b6e3f; color: white; }
        @media (max-width: 800px) { .dashboard { display: block; } .widget { margin-bottom: .5rem; } }
        @media (max-width: 600px) { th.optional, td.optional { display: none; } }
        """#
}
