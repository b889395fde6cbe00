extension ConsoleAssets {
    /// The console's pages: sign-in, log groups, one group's streams and events.
    static let app = #"""
        import { call, AWSError } from "/console/api.js";

        const SESSION_KEY = "cairn.console.session";
        const SESSION_MINUTES = 60;
        const main = document.getElementById("main");

        function session() {
          const stored = JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
          if (!stored || stored.expires < Date.now()) { sessionStorage.removeItem(SESSION_KEY); return null; }
          return stored;
        }

        /** Why the sign-in page shows (signed out, session expired), until the next sign-in. */
        let notice = null;

        function signOut(reason) {
          sessionStorage.removeItem(SESSION_KEY);
          notice = reason;
          if (location.hash !== "#/signin") location.hash = "#/signin";  // renders on hashchange
          else render();
        }

        /** Builds an element: `el("td", { class: "x" }, "text", child)`. Text is always set as text, never HTML. */
        function el(tag, attributes = {}, ...children) {
          const node = document.createElement(tag);
          for (const [name, value] of Object.entries(attributes)) {
            if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
            else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? "" : value);
          }
          for (const child of children.flat()) {
            if (child === null || child === undefined) continue;
            node.append(child instanceof Node ? child : document.createTextNode(String(child)));
          }
          return node;
        }

        /** A time in the browser's zone, with UTC on hover. */
        function time(milliseconds) {
          if (milliseconds === undefined || milliseconds === null) return "";
          const date = new Date(milliseconds);
          return el("time", { datetime: date.toISOString(), title: date.toISOString().replace("T", " ").replace("Z", " UTC") },
            date.toLocaleString());
        }

        function bytes(count) {
          if (count === undefined) return "";
          const units = ["B", "KB", "MB", "GB", "TB"];
          let value = count, unit = 0;
          while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
          return `${value.toFixed(unit ? 1 : 0)} ${units[unit]}`;
        }

        function errorBox(error) {
          const text = error instanceof AWSError ? `${error.type}: ${error.message}` : String(error.message || error);
          return el("p", { class: "error", role: "alert" }, text);
        }

        function show(...nodes) {
          main.replaceChildren(...nodes);
        }

        function signInPage(reason) {
          const form = el("form", { class: "signin", id: "signin-form" },
            el("h1", {}, "Sign in to Cairn"),
            reason ? el("p", { class: "muted", id: "signin-reason" }, reason) : null,
            el("label", {}, "Access key ID", el("input", { name: "accessKeyId", id: "access-key-id", required: true, autocomplete: "username" })),
            el("label", {}, "Secret access key", el("input", { name: "secret", id: "secret", type: "password", required: true, autocomplete: "current-password" })),
            el("label", {}, "Region", el("input", { name: "region", id: "region", value: "us-east-1", required: true })),
            el("button", { type: "submit", id: "signin-button" }, "Sign in"),
            el("p", { class: "muted" }, "Requests are signed in this browser with your key; the secret is kept in this tab only, for ",
              String(SESSION_MINUTES), " minutes."));
          form.addEventListener("submit", async (event) => {
            event.preventDefault();
            const data = new FormData(form);
            const credentials = { accessKeyId: data.get("accessKeyId").trim(), secret: data.get("secret"), region: data.get("region").trim() };
            form.querySelector(".error")?.remove();
            try {
              await call(credentials, "logs", "DescribeLogGroups", { limit: 1 });
              sessionStorage.setItem(SESSION_KEY, JSON.stringify({ ...credentials, expires: Date.now() + SESSION_MINUTES * 60000 }));
              notice = null;
              if (location.hash !== "#/groups") location.hash = "#/groups";  // renders once, on hashchange
              else render();
            } catch (error) {
              form.append(errorBox(error));
            }
          });
          show(form);
          form.querySelector("input").focus();
        }

        async function groupsPage(credentials, prefix = "") {
          const search = el("input", { id: "group-prefix", placeholder: "Name prefix", value: prefix, "aria-label": "Log group name prefix" });
          const form = el("form", { class: "inline", id: "group-search" }, search, el("button", { type: "submit" }, "Search"));
          form.addEventListener("submit", (event) => { event.preventDefault(); groupsPage(credentials, search.value.trim()); });
          const body = el("tbody", { id: "group-rows" });
          const table = el("div", { class: "table-wrap" }, el("table", {},
            el("thead", {}, el("tr", {}, el("th", {}, "Name"), el("th", {}, "Retention"), el("th", { class: "optional" }, "KMS key"),
              el("th", {}, "Stored"), el("th", { class: "optional" }, "Created"))), body));
          show(el("h1", {}, "Log groups"), form, table);
          try {
            let token;
            do {
              const page = await call(credentials, "logs", "DescribeLogGroups",
                { ...(prefix ? { logGroupNamePrefix: prefix } : {}), ...(token ? { nextToken: token } : {}) });
              for (const group of page.logGroups || []) {
                body.append(el("tr", { "data-group": group.logGroupName },
                  el("td", {}, el("a", { href: "#/group/" + encodeURIComponent(group.logGroupName) }, group.logGroupName)),
                  el("td", {}, group.retentionInDays ? `${group.retentionInDays} days` : "Never expire"),
                  el("td", { class: "optional" }, group.kmsKeyId || "Cairn-managed"),
                  el("td", {}, bytes(group.storedBytes)),
                  el("td", { class: "optional" }, time(group.creationTime))));
              }
              token = page.nextToken;
            } while (token);
            if (!body.children.length) body.append(el("tr", {}, el("td", { colspan: 5, class: "muted" }, "No log groups.")));
          } catch (error) {
            main.append(errorBox(error));
          }
        }

        const RANGES = [["15m", 15 * 60000], ["1h", 3600000], ["1d", 86400000], ["1w", 7 * 86400000]];

        /** A time-range picker (the last hour chosen); `spanOf(select)` is its length in milliseconds. */
        function rangeSelect(id) {
          return el("select", { id, "aria-label": "Time range" }, RANGES.map(([label], index) =>
            el("option", { value: String(index), selected: index === 1 }, `Last ${label}`)));
        }

        function spanOf(select) { return RANGES[Number(select.value)][1]; }

        async function groupPage(credentials, name) {
          const streams = el("tbody", { id: "stream-rows" });
          const pattern = el("input", { id: "filter-pattern", placeholder: "Filter pattern, e.g. ERROR or { $.level = \"error\" }", size: 40, "aria-label": "Filter pattern" });
          const range = rangeSelect("time-range");
          const searchForm = el("form", { class: "inline", id: "event-search" }, pattern, range, el("button", { type: "submit" }, "Search events"));
          const results = el("div", { id: "events" });
          const more = el("button", { type: "button", class: "secondary", id: "load-more", hidden: true }, "Load more");
          let nextToken;
          async function search(append) {
            if (!append) { results.replaceChildren(); nextToken = undefined; }
            results.querySelector(".error")?.remove();
            const span = spanOf(range);
            try {
              const page = await call(credentials, "logs", "FilterLogEvents", {
                logGroupName: name, startTime: Date.now() - span, endTime: Date.now() + 60000,
                ...(pattern.value ? { filterPattern: pattern.value } : {}), ...(nextToken ? { nextToken } : {}) });
              for (const event of page.events || []) results.append(eventRow(event));
              nextToken = page.nextToken;
              more.hidden = !nextToken;
              if (!results.children.length) results.append(el("p", { class: "muted", id: "no-events" }, "No events match."));
            } catch (error) {
              more.hidden = true;
              results.append(errorBox(error));
            }
          }
          searchForm.addEventListener("submit", (event) => { event.preventDefault(); search(false); });
          more.addEventListener("click", () => search(true));
          show(el("p", {}, el("a", { href: "#/groups" }, "← Log groups"), " · ",
              el("a", { href: "#/insights/" + encodeURIComponent(name), id: "open-insights" }, "Query with Logs Insights")),
            el("h1", {}, name),
            el("h2", {}, "Events"), searchForm, results, more,
            el("h2", {}, "Streams"), el("div", { class: "table-wrap" }, el("table", {},
              el("thead", {}, el("tr", {}, el("th", {}, "Stream"), el("th", {}, "Last event"), el("th", { class: "optional" }, "Created"))),
              streams)));
          try {
            const page = await call(credentials, "logs", "DescribeLogStreams", { logGroupName: name, orderBy: "LastEventTime", descending: true });
            for (const stream of page.logStreams || []) {
              streams.append(el("tr", {}, el("td", {}, stream.logStreamName), el("td", {}, time(stream.lastEventTimestamp)),
                el("td", { class: "optional" }, time(stream.creationTime))));
            }
          } catch (error) {
            main.append(errorBox(error));
          }
          search(false);
        }

        const QUERY_FINAL = ["Complete", "Failed", "Cancelled", "Timeout", "Unknown"];
        const PALETTE = ["#0b6e99", "#d9730d", "#448361", "#9f6b53", "#6940a5", "#d44c47"];

        /** Logs Insights over one group: the query, its status and results, a chart of `stats … by bin()`. */
        async function insightsPage(credentials, name) {
          const editor = el("textarea", { id: "query-text", rows: 4, cols: 80, "aria-label": "Query",
            spellcheck: "false" }, "stats count(*) by bin(5m)");
          const range = rangeSelect("query-range");
          const run = el("button", { type: "submit", id: "run-query" }, "Run");
          const cancel = el("button", { type: "button", class: "secondary", id: "cancel-query", disabled: true }, "Cancel");
          const status = el("p", { id: "query-status", class: "muted", "aria-live": "polite" });
          const chartBox = el("div", { id: "chart-box", class: "chart", hidden: true }, el("canvas", { id: "query-chart" }));
          const results = el("div", { id: "query-results", class: "table-wrap" });
          const history = el("ul", { id: "query-history" });
          const form = el("form", { id: "query-form" }, editor, el("div", { class: "inline" }, range, run, cancel));
          let running = null;
          let chart = null;
          cancel.addEventListener("click", async () => {
            if (!running) return;
            try { await call(credentials, "logs", "StopQuery", { queryId: running }); } catch (error) { status.after(errorBox(error)); }
          });
          form.addEventListener("submit", async (event) => {
            event.preventDefault();
            main.querySelectorAll(".error").forEach((node) => node.remove());
            results.replaceChildren();
            chartBox.hidden = true;
            const end = Math.floor(Date.now() / 1000) + 60;
            const start = Math.floor((Date.now() - spanOf(range)) / 1000);
            try {
              const started = await call(credentials, "logs", "StartQuery",
                { logGroupName: name, queryString: editor.value, startTime: start, endTime: end });
              running = started.queryId;
              run.disabled = true; cancel.disabled = false;
              let reply;
              do {
                await new Promise((resolve) => setTimeout(resolve, 300));
                reply = await call(credentials, "logs", "GetQueryResults", { queryId: running });
                status.textContent = `${reply.status}: ${reply.statistics?.recordsMatched ?? 0} of ` +
                  `${reply.statistics?.recordsScanned ?? 0} records matched`;
              } while (!QUERY_FINAL.includes(reply.status));
              showResults(reply.results || []);
            } catch (error) {
              form.after(errorBox(error));
            } finally {
              running = null; run.disabled = false; cancel.disabled = true;
              loadHistory();
            }
          });

          function showResults(rows) {
            const columns = [];
            for (const row of rows) for (const field of row) if (field.field !== "@ptr" && !columns.includes(field.field)) columns.push(field.field);
            const body = el("tbody", {}, rows.map((row) => {
              const values = Object.fromEntries(row.map((field) => [field.field, field.value]));
              return el("tr", {}, columns.map((column) => el("td", {}, values[column] ?? "")));
            }));
            results.replaceChildren(el("table", { id: "results-table" }, el("thead", {}, el("tr", {}, columns.map((c) => el("th", {}, c)))), body));
            // A time series: the first column holds bin() times (yyyy-MM-dd HH:mm:ss.SSS) and the others numbers.
            const timeColumn = columns.find((column) => rows.length && rows.every((row) =>
              /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/.test(row.find((f) => f.field === column)?.value || "")));
            const series = columns.filter((column) => column !== timeColumn && rows.every((row) =>
              !Number.isNaN(Number(row.find((f) => f.field === column)?.value))));
            if (!series.length || !rows.length) return;
            if (!window.Chart) { chartBox.hidden = false; chartBox.replaceChildren(el("p", { class: "error" }, window.cairnChartMissing || "Chart.js did not load.")); return; }
            chartBox.hidden = false;
            chart?.destroy();
            const labelOf = (row) => {
              const value = row.find((f) => f.field === (timeColumn || columns[0]))?.value || "";
              return timeColumn ? new Date(value.replace(" ", "T") + "Z").toLocaleString() : value;
            };
            const ordered = rows;  // stats groups come in ascending key order: oldest bin first
            chart = new window.Chart(document.getElementById("query-chart"), {
              type: timeColumn ? "line" : "bar",
              data: { labels: ordered.map(labelOf), datasets: series.map((column, index) => ({ label: column,
                borderColor: PALETTE[index % PALETTE.length], backgroundColor: PALETTE[index % PALETTE.length],
                data: ordered.map((row) => Number(row.find((f) => f.field === column)?.value)) })) },
              options: { animation: false, responsive: true, maintainAspectRatio: false },
            });
          }

          async function loadHistory() {
            try {
              const reply = await call(credentials, "logs", "DescribeQueries", { logGroupName: name, maxResults: 10 });
              history.replaceChildren(...(reply.queries || []).map((query) => {
                const text = query.queryString.replace(/^SOURCE .*?\| /, "");
                const item = el("li", {}, el("button", { type: "button", class: "secondary" }, "Use"), " ",
                  el("code", {}, text), " ", el("span", { class: "muted" }, query.status), " ", time(query.createTime));
                item.querySelector("button").addEventListener("click", () => { editor.value = text; editor.focus(); });
                return item;
              }));
            } catch (error) {
              history.replaceChildren(el("li", {}, errorBox(error)));
            }
          }

          show(el("p", {}, el("a", { href: "#/group/" + encodeURIComponent(name) }, "← " + name)),
            el("h1", {}, "Logs Insights"), form, status, chartBox, results, el("h2", {}, "Recent queries"), history);
          loadHistory();
          editor.focus();
        }

        /** One event; a JSON message can be opened to show it indented. */
        function eventRow(event) {
          let parsed = null;
          try { parsed = event.message.trim().startsWith("{") ? JSON.parse(event.message) : null; } catch { parsed = null; }
          const row = el("div", { class: "event", "data-stream": event.logStreamName }, time(event.timestamp));
          if (parsed) {
            row.append(el("details", {}, el("summary", {}, event.message), el("pre", {}, JSON.stringify(parsed, null, 2))));
          } else {
            row.append(el("span", { class: "message" }, event.message));
          }
          return row;
        }

        function render() {
          const current = session();
          const nav = document.getElementById("nav");
          if (!current) { nav.hidden = true; signInPage(notice); return; }
          nav.hidden = false;
          document.getElementById("who").textContent = `${current.accessKeyId} · ${current.region}`;
          const route = location.hash.replace(/^#\/?/, "");
          if (route.startsWith("group/")) groupPage(current, decodeURIComponent(route.slice(6)));
          else if (route.startsWith("insights/")) insightsPage(current, decodeURIComponent(route.slice(9)));
          else groupsPage(current);
          main.focus();
        }

        document.getElementById("sign-out").addEventListener("click", () => signOut("Signed out."));
        window.addEventListener("hashchange", () => render());
        setInterval(() => { if (!session() && !document.getElementById("signin-form")) signOut("Your session expired; sign in again."); }, 15000);
        if (window.cairnChartMissing) console.warn(window.cairnChartMissing);
        render();
        """#
}
