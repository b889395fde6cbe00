extension ConsoleAssets {
    /// Metrics (namespaces → metrics → a GetMetricData chart) and dashboards (every widget rendered, the JSON
    /// editable by admins).
    static let metrics = #"""
        import { call } from "/console/api.js";
        import { main, el, show, time, bytes, errorBox, table, everyPage, rangeSelect, spanOf, chartBox, drawChart,
          isAdmin, mayRead, backLink, onSubmit } from "/console/ui.js";
        import { runQuery, showResults } from "/console/insights.js";

        const STATISTICS = ["Average", "Sum", "Minimum", "Maximum", "SampleCount", "p50", "p90", "p99"];
        const PERIODS = [[60, "1 minute"], [300, "5 minutes"], [3600, "1 hour"], [86400, "1 day"]];

        const dimensionsText = (dimensions) => (dimensions || []).map((d) => `${d.Name}=${d.Value}`).join(", ");

        /** One series of GetMetricData for `queries` (MetricDataQueries) over [start, end] in milliseconds. */
        async function metricData(credentials, queries, start, end) {
          const results = await everyPage((token) => call(credentials, "cloudwatch", "GetMetricData", {
            MetricDataQueries: queries, StartTime: start / 1000, EndTime: end / 1000, ScanBy: "TimestampAscending", ...token }),
            "MetricDataResults", "NextToken");
          // Pages of one query come as separate results with the same id: join them.
          const joined = new Map();
          for (const result of results) {
            const series = joined.get(result.Id) || { id: result.Id, label: result.Label || result.Id, points: [] };
            (result.Timestamps || []).forEach((stamp, index) => series.points.push([stamp * 1000, result.Values[index]]));
            joined.set(result.Id, series);
          }
          return [...joined.values()].map((series) => ({ ...series, points: series.points.sort((a, b) => a[0] - b[0]) }));
        }

        /** A line chart of several series on a shared, sorted time axis. */
        function drawSeries(box, series) {
          const stamps = [...new Set(series.flatMap((line) => line.points.map((point) => point[0])))].sort((a, b) => a - b);
          drawChart(box, "line", stamps.map((stamp) => new Date(stamp).toLocaleString()), series.map((line) => {
            const values = new Map(line.points);
            return { label: line.label, data: stamps.map((stamp) => values.get(stamp) ?? null) };
          }));
        }

        /** What a writer key sees on the pages it cannot read. */
        function cannotRead(title) {
          show(el("h1", {}, title), el("p", { class: "muted" }, "A writer key cannot read metrics or dashboards."));
        }

        export async function metricsPage(credentials, namespace) {
          if (!mayRead(credentials)) return cannotRead("Metrics");
          if (!namespace) return namespacesPage(credentials);
          const { wrap, body, empty } = table("metric-rows", ["Metric", "Dimensions", ""]);
          const statistic = el("select", { id: "metric-stat", "aria-label": "Statistic" }, STATISTICS.map((stat) => el("option", {}, stat)));
          const period = el("select", { id: "metric-period", "aria-label": "Period" },
            PERIODS.map(([seconds, label]) => el("option", { value: String(seconds), selected: seconds === 300 }, label)));
          const range = rangeSelect("metric-range");
          const title = el("h2", { id: "metric-title" }, "Choose a metric to graph");
          const box = chartBox("metric-chart");
          const note = el("p", { class: "muted", id: "metric-note" });
          let chosen = null, graphs = 0;
          async function graph() {
            if (!chosen) return;
            const mine = ++graphs;  // a slower, older answer must not draw over a newer one
            main.querySelectorAll(".chart-error").forEach((node) => node.remove());
            title.textContent = `${chosen.MetricName} ${dimensionsText(chosen.Dimensions)}`;
            const end = Date.now(), start = end - spanOf(range);
            try {
              const series = await metricData(credentials, [{ Id: "m0", Label: `${chosen.MetricName} (${statistic.value})`,
                MetricStat: { Metric: chosen, Period: Number(period.value), Stat: statistic.value } }], start, end);
              if (mine !== graphs) return;
              const points = series.reduce((count, line) => count + line.points.length, 0);
              note.textContent = `${points} data points`;
              drawSeries(box, series);
            } catch (error) {
              if (mine === graphs) box.after(Object.assign(errorBox(error), { className: "error chart-error" }));
            }
          }
          for (const control of [statistic, period, range]) control.addEventListener("change", graph);
          show(backLink("#/metrics", "Namespaces"), el("h1", {}, namespace), wrap,
            title, el("div", { class: "inline" }, statistic, period, range), box, note);
          try {
            const metrics = await everyPage((token) => call(credentials, "cloudwatch", "ListMetrics", { Namespace: namespace, ...token }), "Metrics", "NextToken");
            metrics.sort((a, b) => a.MetricName.localeCompare(b.MetricName) || dimensionsText(a.Dimensions).localeCompare(dimensionsText(b.Dimensions)));
            for (const metric of metrics) {
              const button = el("button", { type: "button", class: "secondary small",
                "aria-label": `Graph ${metric.MetricName} ${dimensionsText(metric.Dimensions)}`.trim() }, "Graph");
              button.addEventListener("click", () => { chosen = { Namespace: namespace, MetricName: metric.MetricName, Dimensions: metric.Dimensions || [] }; graph(); });
              body.append(el("tr", { "data-metric": metric.MetricName }, el("td", {}, metric.MetricName), el("td", {}, dimensionsText(metric.Dimensions)), el("td", {}, button)));
            }
            if (!metrics.length) empty("No metrics.");
          } catch (error) {
            wrap.after(errorBox(error));
          }
        }

        async function namespacesPage(credentials) {
          const { wrap, body, empty } = table("namespace-rows", ["Namespace", "Metrics"]);
          show(el("h1", {}, "Metrics"), wrap);
          try {
            const metrics = await everyPage((token) => call(credentials, "cloudwatch", "ListMetrics", token), "Metrics", "NextToken");
            const counts = new Map();
            for (const metric of metrics) counts.set(metric.Namespace, (counts.get(metric.Namespace) || 0) + 1);
            for (const [namespace, count] of [...counts].sort()) {
              body.append(el("tr", { "data-namespace": namespace },
                el("td", {}, el("a", { href: "#/metrics/" + encodeURIComponent(namespace) }, namespace)), el("td", {}, String(count))));
            }
            if (!counts.size) empty("No metrics yet: metric filters and PutMetricData create them.");
          } catch (error) {
            wrap.after(errorBox(error));
          }
        }

        const EXAMPLE_BODY = { widgets: [{ type: "text", x: 0, y: 0, width: 24, height: 2, properties: { markdown: "# New dashboard" } }] };

        /** The account's alarms in this region: state, reason, when it changed. */
        export async function alarmsPage(credentials) {
          if (!mayRead(credentials)) return cannotRead("Alarms");
          const { wrap, body, empty } = table("alarm-rows", ["Alarm", "State", "?Reason", "Since"]);
          show(el("h1", {}, "Alarms"), wrap);
          try {
            const alarms = await everyPage((token) => call(credentials, "cloudwatch", "DescribeAlarms", token), "MetricAlarms", "NextToken");
            for (const alarm of alarms) {
              body.append(el("tr", { "data-alarm": alarm.AlarmName, "data-state": alarm.StateValue }, el("td", {}, alarm.AlarmName),
                el("td", {}, el("span", { class: "state" }, alarm.StateValue)), el("td", { class: "optional" }, alarm.StateReason),
                el("td", {}, time(alarm.StateUpdatedTimestamp * 1000))));
            }
            if (!alarms.length) empty("No alarms.");
          } catch (error) {
            wrap.after(errorBox(error));
          }
        }

        export async function dashboardsPage(credentials) {
          if (!mayRead(credentials)) return cannotRead("Dashboards");
          const { wrap, body, empty } = table("dashboard-rows", ["Name", "?Size", "Modified"]);
          let create = null;
          if (isAdmin(credentials)) {
            const name = el("input", { id: "new-dashboard-name", placeholder: "New dashboard name", required: true, "aria-label": "New dashboard name" });
            create = onSubmit(el("form", { class: "inline", id: "create-dashboard" }, name, el("button", { type: "submit" }, "Create dashboard")),
              async () => {
                await call(credentials, "cloudwatch", "PutDashboard", { DashboardName: name.value.trim(), DashboardBody: JSON.stringify(EXAMPLE_BODY) });
                location.hash = "#/dashboard/" + encodeURIComponent(name.value.trim());
              });
          }
          show(el("h1", {}, "Dashboards"), create, wrap);
          try {
            const dashboards = await everyPage((token) => call(credentials, "cloudwatch", "ListDashboards", token), "DashboardEntries", "NextToken");
            for (const dashboard of dashboards) {
              body.append(el("tr", { "data-dashboard": dashboard.DashboardName },
                el("td", {}, el("a", { href: "#/dashboard/" + encodeURIComponent(dashboard.DashboardName) }, dashboard.DashboardName)),
                el("td", { class: "optional" }, bytes(dashboard.Size)), el("td", {}, time(dashboard.LastModified * 1000))));
            }
            if (!dashboards.length) empty("No dashboards.");
          } catch (error) {
            wrap.after(errorBox(error));
          }
        }

        /** Milliseconds in an ISO-8601 duration such as `-PT3H` or `-P7D` (AWS's dashboard `start`); null if not one. */
        function duration(text) {
          const match = /^-?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text || "");
          if (!match) return null;
          const [weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part || 0));
          return ((((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
        }

        /** A widget's `metrics` rows as MetricDataQueries: "." repeats the row above's entry, a trailing object holds options. */
        function metricQueries(properties) {
          const queries = [];
          let previous = [];
          (properties.metrics || []).forEach((row, index) => {
            const options = typeof row[row.length - 1] === "object" ? row[row.length - 1] : {};
            const parts = (options === row[row.length - 1] ? row.slice(0, -1) : row).map((part, at) => part === "." ? previous[at] : part);
            previous = parts;
            if (parts.length < 2) return;  // an expression row: metric math is not served yet
            const dimensions = [];
            for (let at = 2; at + 1 < parts.length; at += 2) dimensions.push({ Name: parts[at], Value: parts[at + 1] });
            const stat = options.stat || properties.stat || "Average";
            queries.push({ Id: options.id || `m${index}`, Label: options.label || `${parts[1]} ${dimensionsText(dimensions)}`.trim(),
              MetricStat: { Metric: { Namespace: parts[0], MetricName: parts[1], Dimensions: dimensions }, Period: options.period || properties.period || 300, Stat: stat },
              ReturnData: options.visible !== false });
          });
          return queries;
        }

        /** `SOURCE 'a' | SOURCE 'b' | query` (a dashboard log widget) → the groups and the query after them. */
        function logWidgetQuery(text) {
          const groups = [];
          let rest = text || "";
          let match;
          while ((match = /^\s*SOURCE\s+(['"])(.*?)\1\s*\|/i.exec(rest))) { groups.push(match[2]); rest = rest.slice(match[0].length); }
          return { groups, query: rest.trim() };
        }

        function markdown(text) {
          return (text || "").split("\n").filter((line) => line.trim()).map((line) => {
            const heading = /^(#{1,3})\s+(.*)$/.exec(line);
            return heading ? el("h" + (heading[1].length + 1), {}, heading[2]) : el("p", {}, line.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1"));
          });
        }

        async function renderWidget(credentials, widget, index, range, signal) {
          const properties = widget.properties || {};
          const box = el("section", { class: "widget", "data-type": widget.type, id: `widget-${index}` });
          box.style.gridColumn = `${(widget.x ?? 0) + 1} / span ${widget.width || 6}`;
          box.style.gridRow = `${(widget.y ?? 0) + 1} / span ${widget.height || 6}`;
          if (properties.title) box.append(el("h3", {}, properties.title));
          try {
            if (widget.type === "text") {
              box.append(...markdown(properties.markdown));
            } else if (widget.type === "metric") {
              const queries = metricQueries(properties);
              const span = duration(properties.start) || range;
              const chart = chartBox(`widget-${index}-chart`);
              box.append(chart);
              const series = await metricData(credentials, queries, Date.now() - span, Date.now());
              const shown = series.filter((line) => queries.find((query) => query.Id === line.id)?.ReturnData !== false);
              if (properties.view === "singleValue") {
                chart.remove();
                box.append(...shown.map((line) => el("p", { class: "single-value" }, el("span", { class: "muted" }, line.label, " "),
                  String(line.points.at(-1)?.[1] ?? "–"))));
              } else {
                drawSeries(chart, shown);
              }
            } else if (widget.type === "log") {
              const { groups, query } = logWidgetQuery(properties.query);
              const results = el("div", { class: "table-wrap" });
              const chart = chartBox(`widget-${index}-chart`);
              box.append(chart, results);
              const end = Date.now();
              const span = duration(properties.start) || range;
              const reply = await runQuery(credentials, { logGroupNames: groups, queryString: query,
                startTime: Math.floor((end - span) / 1000), endTime: Math.floor(end / 1000) + 60 }, { signal });
              showResults(reply.results || [], results, chart, `widget-${index}-table`);
              if (properties.view === "table") chart.hidden = true;
            } else if (widget.type === "alarm") {
              // properties.alarms: alarm ARNs (arn:aws:cloudwatch:region:account:alarm:name).
              const names = (properties.alarms || []).map((arn) => String(arn).split(":alarm:").pop());
              const alarms = names.length ? (await call(credentials, "cloudwatch", "DescribeAlarms", { AlarmNames: names })).MetricAlarms || [] : [];
              box.append(el("ul", { class: "plain alarm-states" }, alarms.map((alarm) =>
                el("li", { "data-state": alarm.StateValue }, el("span", { class: "state" }, alarm.StateValue), " ", alarm.AlarmName))));
            } else {
              box.append(el("p", { class: "muted" }, `Widgets of type ${widget.type} are not shown here.`));
            }
          } catch (error) {
            box.append(errorBox(error));
          }
          return box;
        }

        export async function dashboardPage(credentials, name, signal) {
          if (!mayRead(credentials)) return cannotRead("Dashboards");
          const grid = el("div", { class: "dashboard", id: "dashboard-grid" });
          const range = rangeSelect("dashboard-range");
          const header = el("div", { class: "inline" }, range);
          const editor = el("textarea", { id: "dashboard-json", rows: 16, "aria-label": "Dashboard JSON", spellcheck: "false", hidden: true });
          const save = el("button", { type: "button", id: "dashboard-save", hidden: true }, "Save");
          const messages = el("div", { id: "dashboard-messages" });
          show(backLink("#/dashboards", "Dashboards"), el("h1", {}, name), header, messages, editor, save, grid);
          let body, draws = 0, drawing = null;
          async function draw() {
            // A new drawing (another range, a saved body) ends the last one's queries and replaces its widgets.
            const mine = ++draws;
            drawing?.abort();
            drawing = new AbortController();
            signal.addEventListener("abort", () => drawing.abort(), { once: true });
            grid.replaceChildren();
            const widgets = body.widgets || [];
            const start = duration(body.start);
            range.disabled = !!start;  // the body's own time range wins over the picker
            const drawn = await Promise.all(widgets.map((widget, index) =>
              renderWidget(credentials, widget, index, start || spanOf(range), drawing.signal)));
            if (mine !== draws) return;
            grid.append(...drawn);
            if (!widgets.length) grid.append(el("p", { class: "muted" }, "This dashboard has no widgets."));
          }
          try {
            const reply = await call(credentials, "cloudwatch", "GetDashboard", { DashboardName: name });
            body = JSON.parse(reply.DashboardBody);
          } catch (error) {
            messages.append(errorBox(error));
            return;
          }
          range.addEventListener("change", draw);
          if (isAdmin(credentials)) {
            const edit = el("button", { type: "button", class: "secondary", id: "dashboard-edit" }, "Edit JSON");
            header.append(edit);
            edit.addEventListener("click", () => {
              editor.value = JSON.stringify(body, null, 2);
              editor.hidden = !editor.hidden; save.hidden = editor.hidden;
            });
            save.addEventListener("click", async () => {
              messages.replaceChildren();
              try {
                const reply = await call(credentials, "cloudwatch", "PutDashboard", { DashboardName: name, DashboardBody: editor.value });
                for (const message of reply.DashboardValidationMessages || []) {
                  messages.append(el("p", { class: "muted" }, `${message.DataPath}: ${message.Message}`));
                }
                body = JSON.parse(editor.value);
                editor.hidden = true; save.hidden = true;
                draw();
              } catch (error) {
                messages.append(errorBox(error));
              }
            });
          }
          draw();
        }
        """#
}
