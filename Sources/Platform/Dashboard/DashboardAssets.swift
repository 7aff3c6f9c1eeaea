import Domain

/// The dashboard's page, script and style sheet, served as they are (see `DashboardRoutes`).
enum DashboardAssets {
    static let page = #"""
        <!doctype html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>集团总部看板 · HQ dashboard</title>
        <link rel="stylesheet" href="/hq/dashboard.css">
        </head>
        <body>
        <header>
          <h1 data-label="title">集团总部看板</h1>
          <form id="controls" autocomplete="off">
            <label><span data-label="token">访问令牌</span> <input id="token" type="password" placeholder="pt_…" size="28"></label>
            <label><span data-label="period">期间</span> <input id="period" pattern="\d{4}(-(\d{2}|Q[1-4]))?" size="8" placeholder="2026-11"></label>
            <label><span data-label="kind">类型</span> <select id="kind"><option value="" data-label="allKinds">全部</option>
              <option value="hospital" data-label="hospital">医院</option><option value="residence" data-label="residence">住宅小区</option>
              <option value="government_service_center" data-label="government_service_center">政务服务中心</option></select></label>
            <label><span data-label="region">区域</span> <input id="region" size="6"></label>
            <button type="submit" data-label="show">查看</button>
            <button type="button" id="lang">English</button>
          </form>
        </header>
        <p id="status" role="status"></p>
        <main>
          <section>
            <h2 data-label="sites">各站点</h2>
            <p class="hint" data-label="sortHint">点击表头排序；点击站点查看其趋势。</p>
            <div class="scroll"><table id="sites"><thead></thead><tbody></tbody></table></div>
          </section>
          <section>
            <h2 data-label="byKind">按类型：合计与中位数</h2>
            <div class="scroll"><table id="kinds"><thead></thead><tbody></tbody></table></div>
          </section>
          <section>
            <h2><span data-label="trend">12个月趋势</span> <span id="trend-scope"></span></h2>
            <label><span data-label="measure">指标</span> <select id="measure"></select></label>
            <button type="button" id="all-sites" data-label="allSites">全部站点</button>
            <div id="chart"></div>
          </section>
        </main>
        <script src="/hq/dashboard.js"></script>
        </body>
        </html>
        """#

    static let style = #"""
        body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0; color: #1d2733; background: #f5f7fa; }
        header { background: #17324d; color: #fff; padding: 12px 20px; display: flex; flex-wrap: wrap; align-items: center; gap: 16px; }
        header h1 { font-size: 20px; margin: 0 16px 0 0; }
        header label { font-size: 13px; }
        header input, header select, header button { font-size: 13px; padding: 3px 6px; }
        main { padding: 8px 20px 24px; }
        h2 { font-size: 16px; margin: 18px 0 6px; }
        .hint { font-size: 12px; color: #5b6b7c; margin: 0 0 6px; }
        #status { margin: 8px 20px 0; font-size: 13px; color: #5b6b7c; }
        #status.error { color: #b42318; font-weight: bold; }
        .scroll { overflow-x: auto; background: #fff; border: 1px solid #d5dde6; }
        table { border-collapse: collapse; font-size: 12px; white-space: nowrap; }
        th, td { padding: 4px 8px; border-bottom: 1px solid #e6ebf0; text-align: right; }
        th { background: #eef2f6; position: sticky; top: 0; cursor: pointer; user-select: none; }
        th.text, td.text { text-align: left; }
        th.sorted::after { content: " ▼"; }
        th.sorted.ascending::after { content: " ▲"; }
        tbody tr:hover { background: #f0f6ff; }
        tr.site { cursor: pointer; }
        tr.median td { font-style: italic; }
        td.rag-green { background: #dcf5e3; color: #14532d; }
        td.rag-amber { background: #fff1c2; color: #7a4d00; }
        td.rag-red { background: #fde0dd; color: #8a1c12; font-weight: bold; }
        #chart svg { background: #fff; border: 1px solid #d5dde6; margin-top: 8px; }
        #chart .line { fill: none; stroke: #1f6feb; stroke-width: 2; }
        #chart .target { stroke: #2f9e44; stroke-dasharray: 5 4; }
        #chart text { font-size: 11px; fill: #44515f; }
        #chart .point { fill: #1f6feb; }
        """#

    static let script = #"""
        "use strict";
        (() => {
          const labels = {
            zh: { title: "集团总部看板", token: "访问令牌", period: "期间", kind: "类型", region: "区域", allKinds: "全部", show: "查看",
                  sites: "各站点", sortHint: "点击表头排序；点击站点查看其趋势。", byKind: "按类型：合计与中位数", trend: "12个月趋势",
                  measure: "指标", allSites: "全部站点", site: "站点", name: "名称", row: "行", total: "合计", median: "中位数", sitesCount: "站点数",
                  hospital: "医院", residence: "住宅小区", government_service_center: "政务服务中心", other: "English",
                  loading: "正在加载…", loaded: "数据计算于", noToken: "请先粘贴访问令牌。", rejected: "令牌无效或已过期。", allScope: "全部站点" },
            en: { title: "Headquarters dashboard", token: "Token", period: "Period", kind: "Kind", region: "Region", allKinds: "All", show: "Show",
                  sites: "Sites", sortHint: "Click a heading to sort; click a site for its trend.", byKind: "By kind: totals and medians", trend: "12-month trend",
                  measure: "Measure", allSites: "All sites", site: "Site", name: "Name", row: "Row", total: "Total", median: "Median", sitesCount: "Sites",
                  hospital: "Hospital", residence: "Residence", government_service_center: "Service center", other: "中文",
                  loading: "Loading…", loaded: "Figures computed at", noToken: "Paste a token first.", rejected: "The token was refused or has expired.", allScope: "all sites" },
          };
          // key, Chinese, English, format
          const measures = [
            ["ticketsReceived", "受理量", "Tickets received", "count"], ["openTickets", "未结工单", "Open tickets", "count"],
            ["overdueTickets", "超时工单", "Overdue tickets", "count"], ["onTimeFeedbackRate", "反馈及时率", "On-time feedback", "rate"],
            ["onTimeResolutionRate", "处理及时率", "On-time resolution", "rate"], ["complaints", "投诉量", "Complaints", "count"],
            ["complaintRate", "投诉率", "Complaint rate", "rate"], ["followUpCoverage", "回访完成率", "Follow-up coverage", "rate"],
            ["satisfactionRate", "满意率", "Satisfaction", "rate"], ["repeatNonconformities", "重复投诉不合格", "Repeat non-conformities", "count"],
            ["openRepeatNonconformities", "未关闭重复不合格", "Open repeat non-conformities", "count"], ["appointmentRequests", "预约申请", "Appointment requests", "count"],
            ["confirmationInTimeRate", "预约确认及时率", "Confirmed in time", "rate"], ["lateCancellationsByCenter", "中心迟取消", "Late cancellations by the center", "count"],
            ["noShowRate", "爽约率", "No-show rate", "rate"], ["averageAssessmentScore", "考核平均分", "Average assessment score", "score"],
            ["licencesExpiring60d", "60天内到期证书", "Licences expiring in 60 days", "count"],
          ];
          const currentOnly = new Set(["openTickets", "overdueTickets", "openRepeatNonconformities", "licencesExpiring60d"]);
          const $ = (id) => document.getElementById(id);
          const state = { lang: localStorage.getItem("hqLang") || "zh", sort: "siteCode", ascending: true, portfolio: null, scope: null,
                          measure: "ticketsReceived" };

          const hash = new URLSearchParams(location.hash.slice(1));
          if (hash.get("token")) sessionStorage.setItem("hqToken", hash.get("token"));
          if (hash.get("lang")) state.lang = hash.get("lang") === "en" ? "en" : "zh";
          if (measures.some((m) => m[0] === hash.get("measure"))) state.measure = hash.get("measure");
          if (hash.has("token")) history.replaceState(null, "", location.pathname + location.search);
          const now = new Date();
          $("period").value = hash.get("period") || `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
          $("token").value = sessionStorage.getItem("hqToken") || "";

          const t = (key) => labels[state.lang][key] || key;
          const measureName = (m) => state.lang === "zh" ? m[1] : m[2];
          function format(value, kind) {
            if (value === undefined || value === null) return "–";
            if (kind === "rate") return (value * 100).toFixed(1) + "%";
            if (kind === "score") return value.toFixed(1);
            return Number.isInteger(value) ? String(value) : value.toFixed(1);
          }
          function rag(key, value) {
            const target = state.portfolio && state.portfolio.targets[key];
            if (!target || value === undefined || value === null) return "";
            const good = (limit) => target.higherIsBetter ? value >= limit : value <= limit;
            return good(target.green) ? "rag-green" : good(target.amber) ? "rag-amber" : "rag-red";
          }
          function cell(row, text, classes) {
            const td = row.insertCell();
            td.textContent = text;
            if (classes) td.className = classes;
            return td;
          }
          function status(text, error) {
            $("status").textContent = text;
            $("status").className = error ? "error" : "";
          }

          function translate() {
            document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
            document.querySelectorAll("[data-label]").forEach((node) => { node.textContent = t(node.dataset.label); });
            $("lang").textContent = t("other");
            document.title = t("title");
            const select = $("measure");
            select.replaceChildren(...measures.filter((m) => !currentOnly.has(m[0])).map((m) => new Option(measureName(m), m[0])));
            select.value = state.measure;
          }

          function heading(table, columns) {
            const row = table.tHead.insertRow();
            for (const [key, text, align] of columns) {
              const th = document.createElement("th");
              th.textContent = text;
              th.dataset.key = key;
              if (align) th.className = align;
              row.appendChild(th);
            }
            return row;
          }

          function renderSites() {
            const table = $("sites");
            table.tHead.replaceChildren();
            table.tBodies[0].replaceChildren();
            const head = heading(table, [["siteCode", t("site"), "text"], ["name", t("name"), "text"], ["kind", t("kind"), "text"], ["region", t("region"), "text"],
                                         ...measures.map((m) => [m[0], measureName(m)])]);
            for (const th of head.cells) {
              if (th.dataset.key === state.sort) th.classList.add("sorted", ...(state.ascending ? ["ascending"] : []));
              th.addEventListener("click", () => {
                state.ascending = state.sort === th.dataset.key ? !state.ascending : th.classList.contains("text");
                state.sort = th.dataset.key;
                renderSites();
              });
            }
            const value = (site) => ["siteCode", "name", "kind", "region"].includes(state.sort) ? (site[state.sort] || "") : site.measures[state.sort];
            const sites = [...state.portfolio.sites].sort((a, b) => {
              const x = value(a), y = value(b);
              if (x === undefined && y === undefined) return 0;
              if (x === undefined) return 1;
              if (y === undefined) return -1;
              const order = typeof x === "string" ? x.localeCompare(y, "zh-CN") : x - y;
              return state.ascending ? order : -order;
            });
            for (const site of sites) {
              const row = table.tBodies[0].insertRow();
              row.className = "site";
              row.dataset.site = site.siteCode;
              cell(row, site.siteCode, "text");
              cell(row, site.name, "text");
              cell(row, t(site.kind), "text");
              cell(row, site.region || "", "text");
              for (const m of measures) cell(row, format(site.measures[m[0]], m[3]), rag(m[0], site.measures[m[0]]));
              row.addEventListener("click", () => { state.scope = site.siteCode; loadTrend(); });
            }
          }

          function renderKinds() {
            const table = $("kinds");
            table.tHead.replaceChildren();
            table.tBodies[0].replaceChildren();
            heading(table, [["kind", t("kind"), "text"], ["row", t("row"), "text"], ["sites", t("sitesCount")], ...measures.map((m) => [m[0], measureName(m)])]);
            for (const kind of state.portfolio.kinds) {
              for (const [label, figures] of [["total", kind.total], ["median", kind.median]]) {
                const row = table.tBodies[0].insertRow();
                row.className = label;
                row.dataset.kind = kind.kind;
                cell(row, t(kind.kind), "text");
                cell(row, t(label), "text");
                cell(row, String(kind.sites));
                for (const m of measures) cell(row, format(figures[m[0]], m[3]), rag(m[0], figures[m[0]]));
              }
            }
          }

          function renderChart(trend) {
            const m = measures.find((x) => x[0] === state.measure);
            const points = trend.months.map((month) => [month.month, month.measures[state.measure]]);
            const values = points.map((p) => p[1]).filter((v) => v !== undefined && v !== null);
            const target = trend.targets[state.measure];
            const top = Math.max(...values, target ? target.green : 0, m[3] === "rate" ? 1 : 1) * 1.1;
            const width = 780, height = 260, left = 56, right = 40, bottom = 30, inner = width - left - right, tall = height - bottom - 16;
            const x = (i) => left + (inner * i) / Math.max(points.length - 1, 1);
            const y = (v) => 16 + tall - (tall * v) / top;
            const ns = "http://www.w3.org/2000/svg";
            const svg = document.createElementNS(ns, "svg");
            svg.setAttribute("width", width);
            svg.setAttribute("height", height);
            svg.setAttribute("role", "img");
            svg.setAttribute("aria-label", `${measureName(m)} · ${state.scope || t("allScope")}`);
            const add = (name, attributes, text) => {
              const node = document.createElementNS(ns, name);
              for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
              if (text !== undefined) node.textContent = text;
              svg.appendChild(node);
              return node;
            };
            for (const fraction of [0, 0.5, 1]) {
              add("line", { x1: left, x2: width - right, y1: y(top / 1.1 * fraction), y2: y(top / 1.1 * fraction), stroke: "#e6ebf0" });
              add("text", { x: 4, y: y(top / 1.1 * fraction) + 4 }, format(top / 1.1 * fraction, m[3]));
            }
            if (target) add("line", { class: "target", x1: left, x2: width - right, y1: y(target.green), y2: y(target.green) });
            const drawn = points.map((p, i) => [i, p[1]]).filter((p) => p[1] !== undefined && p[1] !== null);
            add("polyline", { class: "line", points: drawn.map(([i, v]) => `${x(i)},${y(v)}`).join(" ") });
            for (const [i, v] of drawn) {
              add("circle", { class: "point", cx: x(i), cy: y(v), r: 3 }).appendChild(document.createElementNS(ns, "title")).textContent = `${points[i][0]}: ${format(v, m[3])}`;
            }
            points.forEach((p, i) => add("text", { x: x(i) - 18, y: height - 10 }, p[0]));
            $("chart").replaceChildren(svg);
            $("trend-scope").textContent = `· ${measureName(m)} · ${state.scope ? state.scope : ($("kind").value ? t($("kind").value) : t("allScope"))}`;
          }

          async function api(path) {
            const token = $("token").value.trim();
            const response = await fetch(path, { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } });
            const body = await response.json().catch(() => ({}));
            if (response.status === 401) throw new Error(t("rejected"));
            if (!response.ok) throw new Error(body.detail || `${response.status}`);
            return body;
          }

          async function loadTrend() {
            const query = new URLSearchParams();
            const period = $("period").value.trim();
            if (/^\d{4}-\d{2}$/.test(period)) query.set("through", period);
            if (state.scope) query.set("site", state.scope);
            else if ($("kind").value) query.set("kind", $("kind").value);
            if (!state.scope && $("region").value.trim()) query.set("region", $("region").value.trim());
            try {
              renderChart(await api(`/api/v1/hq/trends?${query}`));
            } catch (error) {
              status(error.message, true);
            }
          }

          async function load() {
            const token = $("token").value.trim();
            if (!token) { status(t("noToken"), true); return; }
            sessionStorage.setItem("hqToken", token);
            const query = new URLSearchParams({ period: $("period").value.trim() });
            if ($("kind").value) query.set("kind", $("kind").value);
            if ($("region").value.trim()) query.set("region", $("region").value.trim());
            status(t("loading"));
            try {
              state.portfolio = await api(`/api/v1/hq/portfolio?${query}`);
              renderSites();
              renderKinds();
              status(state.portfolio.computedAt ? `${t("loaded")} ${new Date(state.portfolio.computedAt).toLocaleString(state.lang === "zh" ? "zh-CN" : "en-GB")}` : "");
              document.body.dataset.loaded = "portfolio";
              await loadTrend();
              document.body.dataset.loaded = "all";
            } catch (error) {
              status(error.message, true);
            }
          }

          $("controls").addEventListener("submit", (event) => { event.preventDefault(); state.scope = null; load(); });
          $("lang").addEventListener("click", () => {
            state.lang = state.lang === "zh" ? "en" : "zh";
            localStorage.setItem("hqLang", state.lang);
            translate();
            if (state.portfolio) { renderSites(); renderKinds(); loadTrend(); }
          });
          $("measure").addEventListener("change", () => { state.measure = $("measure").value; loadTrend(); });
          $("all-sites").addEventListener("click", () => { state.scope = null; loadTrend(); });
          translate();
          if ($("token").value) load();
        })();
        """#
}
