extension ConsoleAssets {
    /// The console's shell: the session (sign-in, sign-out, expiry), what the key's role allows, and the routes.
    static let app = #"""
        import { call, AWSError } from "/console/api.js";
        import { main, el, show, errorBox } from "/console/ui.js";
        import { groupsPage, groupPage } from "/console/logs.js";
        import { insightsPage } from "/console/insights.js";
        import { liveTailPage } from "/console/livetail.js";
        import { metricsPage, dashboardsPage, dashboardPage } from "/console/metrics.js";
        import { keysPage, keyPage } from "/console/keys.js";

        const SESSION_KEY = "cairn.console.session";
        const SESSION_MINUTES = 60;

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

        /**
         * Whether the key's role allows `operation`, asked the way any client can: the operation with an empty input,
         * which every role that may call it refuses as invalid (changing nothing), and other roles as AccessDenied.
         */
        async function allows(credentials, operation) {
          try {
            await call(credentials, "logs", operation, {});
            return true;
          } catch (error) {
            return !(error instanceof AWSError && error.type === "AccessDeniedException");
          }
        }

        /** The key's role (admin, writer or reader), which decides the buttons pages show. */
        async function roleOf(credentials) {
          if (await allows(credentials, "DeleteLogGroup")) return "admin";
          return (await allows(credentials, "CreateLogGroup")) ? "writer" : "reader";
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
              const role = await roleOf(credentials);
              sessionStorage.setItem(SESSION_KEY, JSON.stringify({ ...credentials, role, expires: Date.now() + SESSION_MINUTES * 60000 }));
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

        /** `#/page/argument` → the page; arguments are URI-encoded names. */
        const ROUTES = {
          group: groupPage, insights: insightsPage, tail: liveTailPage, metrics: metricsPage,
          dashboards: dashboardsPage, dashboard: dashboardPage, keys: keysPage, key: keyPage,
        };

        function render() {
          const current = session();
          const nav = document.getElementById("nav");
          if (!current) { nav.hidden = true; signInPage(notice); return; }
          nav.hidden = false;
          document.getElementById("who").textContent = `${current.accessKeyId} (${current.role}) · ${current.region}`;
          const route = location.hash.replace(/^#\/?/, "");
          const slash = route.indexOf("/");
          const page = ROUTES[slash < 0 ? route : route.slice(0, slash)] || groupsPage;
          const argument = slash < 0 ? "" : decodeURIComponent(route.slice(slash + 1));
          for (const link of nav.querySelectorAll("a")) {
            link.toggleAttribute("aria-current", route.startsWith(link.getAttribute("href").slice(2)));
            link.hidden = current.role === "writer" && link.id !== "nav-groups";  // a writer reads no metrics or keys
          }
          window.dispatchEvent(new Event("cairn:leave"));  // pages with a stream open close it
          page(current, argument);
          main.focus();
        }

        document.getElementById("sign-out").addEventListener("click", () => signOut("Signed out."));
        window.addEventListener("hashchange", () => render());
        setInterval(() => { if (!session() && !document.getElementById("signin-form")) signOut("Your session expired; sign in again."); }, 15000);
        if (window.cairnChartMissing) console.warn(window.cairnChartMissing);
        render();
        """#
}
