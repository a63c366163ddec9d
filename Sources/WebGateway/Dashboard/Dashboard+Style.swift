extension Dashboard {
    static let style = #"""
        :root { --fg: #1d2330; --muted: #667085; --line: #e4e7ec; --accent: #2f6fde; --ok: #1a8f4c; --bad: #c23a2b; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: #f7f8fa; }
        header { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 20px; padding: 14px 24px;
                 background: #fff; border-bottom: 1px solid var(--line); }
        h1 { margin: 0; font-size: 20px; white-space: nowrap; } h1 span { color: var(--muted); font-weight: 400; }
        h2 { font-size: 16px; margin: 0 0 10px; }
        main { max-width: 980px; margin: 0 auto; padding: 20px 24px; }
        section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin-bottom: 18px; }
        #status { margin: 0; color: var(--muted); font-size: 13px; flex: 1 1 240px; text-align: right; }
        #signin { display: flex; align-items: center; gap: 6px; font-size: 13px; color: var(--muted); }
        #signin label { display: flex; align-items: center; gap: 6px; white-space: nowrap; }
        #signin input { font: inherit; width: 15em; padding: 2px 6px; border: 1px solid var(--line); border-radius: 4px; }
        #signin.wanted input { border-color: var(--bad); }
        .actions { display: flex; flex-wrap: wrap; gap: 8px; }
        button { font: inherit; border: 1px solid var(--accent); background: var(--accent); color: #fff;
                 border-radius: 6px; padding: 6px 12px; cursor: pointer; }
        button:disabled { opacity: .5; cursor: default; }
        button.quiet, button.cancel { background: #fff; color: var(--accent); padding: 2px 10px; }
        button.cancel { border-color: var(--bad); color: var(--bad); margin-left: auto; }
        #jobs { list-style: none; margin: 0; padding: 0; }
        .job { border-top: 1px solid var(--line); padding: 12px 0; }
        .job:first-child { border-top: 0; }
        .job-head { display: flex; align-items: center; gap: 10px; }
        .id { color: var(--muted); font-size: 12px; }
        .state { font-size: 12px; border-radius: 10px; padding: 1px 8px; background: #eef2f8; }
        .state.running, .state.queued { background: #e6efff; color: var(--accent); }
        .state.succeeded { background: #e3f5ea; color: var(--ok); }
        .state.failed, .state.cancelled { background: #fbe9e7; color: var(--bad); }
        .bar { height: 8px; background: #eef0f4; border-radius: 4px; margin: 8px 0 4px; overflow: hidden; }
        .bar > div { height: 100%; width: 0; background: var(--accent); transition: width .2s ease-out; }
        .job.succeeded .bar > div { background: var(--ok); }
        .job.failed .bar > div, .job.cancelled .bar > div { background: var(--bad); }
        .meta { color: var(--muted); font-size: 13px; }
        .percent { color: var(--fg); font-weight: 600; font-variant-numeric: tabular-nums; }
        .outcome { margin: 6px 0 0; font-size: 13px; }
        .results { margin: 6px 0 0; padding-left: 18px; font-size: 13px; max-height: 180px; overflow-y: auto; }
        .results li { margin: 1px 0; }
        .results small { color: var(--muted); }

        """#
}
