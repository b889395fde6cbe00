extension ConsoleAssets {
    /// Logs Insights over one group: the query, its status and results, a chart of `stats … by bin()`, the recent
    /// queries and the saved query definitions.
    static let insights = #"""
        import { call } from "/console/api.js";
        import { main, el, show, time, errorBox, rangeSelect, spanOf, chartBox, drawChart, backLink, onSubmit, everyPage } from "/console/ui.js";

        const QUERY_FINAL = ["Complete", "Failed", "Cancelled", "Timeout", "Unknown"];

        /**
         * Runs a query (StartQuery's `input`) until it ends; `progress(reply)` sees each poll. Resolves to the final
         * reply. When `signal` aborts (the page was left), the query is stopped and the promise rejects.
         */
        export async function runQuery(credentials, input, { signal, progress = () => {}, started = () => {} } = {}) {
          const { queryId } = await call(credentials, "logs", "StartQuery", input);
          started(queryId);
          let reply;
          do {
            await new Promise((resolve) => setTimeout(resolve, 300));
            if (signal?.aborted) {
              call(credentials, "logs", "StopQuery", { queryId }).catch(() => {});
              throw new DOMException("The page was left", "AbortError");
            }
            reply = await call(credentials, "logs", "GetQueryResults", { queryId });
            progress(reply);
          } while (!QUERY_FINAL.includes(reply.status));
          return reply;
        }

        /** The results as a table, and as a chart when they are numbers (over bin() times, or by a group key). */
        export function showResults(rows, results, box, tableID = "results-table") {
          const columns = [];
          for (const row of rows) for (const field of row) if (field.field !== "@ptr" && !columns.includes(field.field)) columns.push(field.field);
          const valueOf = (row, column) => row.find((field) => field.field === column)?.value;
          const body = el("tbody", {}, rows.map((row) => el("tr", {}, columns.map((column) => el("td", {}, valueOf(row, column) ?? "")))));
          results.replaceChildren(el("table", { id: tableID }, el("thead", {}, el("tr", {}, columns.map((c) => el("th", {}, c)))), body));
          // A time series: a column holds bin() times (yyyy-MM-dd HH:mm:ss.SSS) and the others numbers.
          const timeColumn = columns.find((column) => rows.length && rows.every((row) =>
            /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/.test(valueOf(row, column) || "")));
          const series = columns.filter((column) => column !== timeColumn && rows.every((row) => !Number.isNaN(Number(valueOf(row, column)))));
          if (!series.length || !rows.length) { box.hidden = true; return; }
          const labelOf = (row) => {
            const value = valueOf(row, timeColumn || columns[0]) || "";
            return timeColumn ? new Date(value.replace(" ", "T") + "Z").toLocaleString() : value;
          };
          // stats groups come in ascending key order: oldest bin first
          drawChart(box, timeColumn ? "line" : "bar", rows.map(labelOf),
            series.map((column) => ({ label: column, data: rows.map((row) => Number(valueOf(row, column))) })));
        }

        export async function insightsPage(credentials, name, signal) {
          const editor = el("textarea", { id: "query-text", rows: 4, cols: 80, "aria-label": "Query",
            spellcheck: "false" }, "stats count(*) by bin(5m)");
          const range = rangeSelect("query-range");
          const run = el("button", { type: "submit", id: "run-query" }, "Run");
          const cancel = el("button", { type: "button", class: "secondary", id: "cancel-query", disabled: true }, "Cancel");
          const status = el("p", { id: "query-status", class: "muted", "aria-live": "polite" });
          const box = chartBox("query-chart");
          box.id = "chart-box";
          const results = el("div", { id: "query-results", class: "table-wrap" });
          const history = el("ul", { id: "query-history", class: "plain" });
          const saved = el("ul", { id: "saved-queries", class: "plain" });
          const saveName = el("input", { id: "save-name", placeholder: "Name", required: true, "aria-label": "Saved query name" });
          const saveForm = el("form", { class: "inline", id: "save-query" }, saveName, el("button", { type: "submit", class: "secondary" }, "Save query"));
          const form = el("form", { id: "query-form" }, editor, el("div", { class: "inline" }, range, run, cancel));
          let running = null;
          cancel.addEventListener("click", async () => {
            if (!running) return;
            try { await call(credentials, "logs", "StopQuery", { queryId: running }); } catch (error) { status.after(errorBox(error)); }
          });
          form.addEventListener("submit", async (event) => {
            event.preventDefault();
            main.querySelectorAll(".error").forEach((node) => node.remove());
            results.replaceChildren();
            box.hidden = true;
            const end = Math.floor(Date.now() / 1000) + 60;
            const start = Math.floor((Date.now() - spanOf(range)) / 1000);
            try {
              run.disabled = true;
              const reply = await runQuery(credentials, { logGroupName: name, queryString: editor.value, startTime: start, endTime: end }, {
                signal,
                progress: (reply) => {
                  status.textContent = `${reply.status}: ${reply.statistics?.recordsMatched ?? 0} of ` +
                    `${reply.statistics?.recordsScanned ?? 0} records matched`;
                },
                started: (queryId) => { running = queryId; cancel.disabled = false; } });
              showResults(reply.results || [], results, box);
            } catch (error) {
              if (!signal.aborted) form.after(errorBox(error));
            } finally {
              running = null; run.disabled = false; cancel.disabled = true;
              loadHistory();
            }
          });
          onSubmit(saveForm, async () => {
            await call(credentials, "logs", "PutQueryDefinition", { name: saveName.value.trim(), queryString: editor.value, logGroupNames: [name] });
            saveName.value = "";
            loadSaved();
          });

          const useButton = (text) => {
            const button = el("button", { type: "button", class: "secondary small", "aria-label": `Use the query ${text}` }, "Use");
            button.addEventListener("click", () => { editor.value = text; editor.focus(); });
            return button;
          };

          async function loadHistory() {
            try {
              const reply = await call(credentials, "logs", "DescribeQueries", { logGroupName: name, maxResults: 10 });
              history.replaceChildren(...(reply.queries || []).map((query) => {
                const text = query.queryString.replace(/^SOURCE .*?\| /, "");
                return el("li", {}, useButton(text), " ", el("code", {}, text), " ", el("span", { class: "muted" }, query.status), " ",
                  time(query.createTime));
              }));
            } catch (error) {
              history.replaceChildren(el("li", {}, errorBox(error)));
            }
          }

          async function loadSaved() {
            try {
              const definitions = await everyPage((token) => call(credentials, "logs", "DescribeQueryDefinitions", { maxResults: 1000, ...token }),
                "queryDefinitions");
              const mine = definitions.filter((definition) => !definition.logGroupNames?.length || definition.logGroupNames.includes(name));
              saved.replaceChildren(...mine.map((definition) => {
                const remove = el("button", { type: "button", class: "secondary small", "aria-label": `Delete the saved query ${definition.name}` }, "Delete");
                remove.addEventListener("click", async () => {
                  try { await call(credentials, "logs", "DeleteQueryDefinition", { queryDefinitionId: definition.queryDefinitionId }); loadSaved(); }
                  catch (error) { saved.append(el("li", {}, errorBox(error))); }
                });
                return el("li", { "data-definition": definition.name }, useButton(definition.queryString), " ", el("strong", {}, definition.name), " ",
                  el("code", {}, definition.queryString), " ", remove);
              }));
              if (!mine.length) saved.append(el("li", { class: "muted" }, "No saved queries."));
            } catch (error) {
              saved.replaceChildren(el("li", {}, errorBox(error)));
            }
          }

          show(backLink("#/group/" + encodeURIComponent(name), name),
            el("h1", {}, "Logs Insights"), form, status, box, results,
            el("h2", {}, "Saved queries"), saveForm, saved, el("h2", {}, "Recent queries"), history);
          loadHistory();
          loadSaved();
          editor.focus();
        }
        """#
}
