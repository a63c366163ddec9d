/// Expansions of the abbreviations used in column and table names (`AMT` -> amount).
///
/// Keys are matched case-insensitively against whole word pieces; an expansion may be several
/// words (`LTV` -> "loan to value"). Kept as data so deployments can add their own naming habits.
public struct AbbreviationTable: Sendable, Hashable {
    /// Lower-cased abbreviation -> expansion words.
    public let expansions: [String: [String]]

    public init(_ table: [String: String]) {
        var expansions: [String: [String]] = [:]
        for (key, value) in table {
            expansions[key.lowercased()] = Tokenizer.words(value)
        }
        self.expansions = expansions
    }

    /// This table with `extra` added; `extra` wins on conflicts.
    public func merging(_ extra: [String: String]) -> AbbreviationTable {
        var merged = expansions
        for (key, value) in extra {
            merged[key.lowercased()] = Tokenizer.words(value)
        }
        return AbbreviationTable(expansions: merged)
    }

    private init(expansions: [String: [String]]) {
        self.expansions = expansions
    }

    /// The expansion words of `word`, or `[word]` when it is not an abbreviation.
    public func expand(_ word: String) -> [String] {
        expansions[word.lowercased()] ?? [word.lowercased()]
    }

    /// Banking and regulatory-reporting abbreviations common in source-system column names.
    public static let `default` = AbbreviationTable([
        "acct": "account", "accr": "accrual", "actv": "active", "addr": "address", "adj": "adjusted",
        "alll": "allowance loan lease loss", "allw": "allowance", "amort": "amortization", "amt": "amount",
        "annl": "annual", "apprv": "approved", "avg": "average", "bal": "balance", "beg": "beginning",
        "bkt": "bucket", "brnch": "branch", "cc": "cost center", "ccy": "currency", "cd": "code",
        "ceil": "ceiling", "chg": "change", "chld": "child", "chrg": "charge", "citzn": "citizenship",
        "cmtmt": "commitment", "cnt": "count", "cntry": "country", "co": "company", "coll": "collateral",
        "cr": "credit", "crt": "created", "cum": "cumulative", "curr": "current", "cust": "customer",
        "dba": "doing business as", "defr": "deferred", "delq": "delinquency", "desc": "description",
        "dflt": "default", "dlq": "delinquency", "dob": "date of birth", "dpd": "days past due",
        "dr": "debit", "dt": "date", "ead": "exposure at default", "eff": "effective", "empl": "employee",
        "escrw": "escrow", "exch": "exchange", "exp": "exposure", "fac": "facility", "fico": "credit score",
        "flg": "flag", "flr": "floor", "freq": "frequency", "frst": "first", "fx": "foreign exchange",
        "gl": "general ledger", "gndr": "gender", "guar": "guarantor", "id": "identifier", "idx": "index",
        "ind": "indicator", "indus": "industry", "int": "interest", "jrnl": "journal", "lcl": "local",
        "lev": "leveraged", "lgd": "loss given default", "lgl": "legal", "ln": "loan", "lst": "last",
        "ltv": "loan to value", "maint": "maintenance", "mat": "maturity", "mdm": "master data",
        "mid": "middle", "mkt": "market", "mo": "month", "mobl": "mobile", "mtd": "month to date",
        "mtrty": "maturity", "nbr": "number", "nm": "name", "num": "number", "nxt": "next",
        "oblgr": "obligor", "ofcr": "officer", "orig": "origination", "ownr": "ownership",
        "pct": "percent", "pd": "probability of default", "phn": "phone", "pmt": "payment",
        "pnlty": "penalty", "pos": "position", "pref": "preferred", "prd": "period", "prin": "principal",
        "prnt": "parent", "prod": "product", "prop": "property", "prpy": "prepayment",
        "prtcp": "participation", "prty": "priority", "purp": "purpose", "rcvbl": "receivable",
        "rcvry": "recovery", "rel": "relationship", "rev": "revenue", "rgltry": "regulatory",
        "rnwl": "renewal", "rpt": "report", "rsn": "reason", "rsrv": "reserve", "rt": "rate",
        "rtg": "rating", "rvrsl": "reversal", "seg": "segment", "shrt": "short",
        "sic": "standard industrial classification",
        "sprd": "spread", "src": "source", "st": "state", "stat": "status", "stk": "stock",
        "synd": "syndicated", "sys": "system", "tckr": "ticker", "tdr": "troubled debt restructuring",
        "tin": "taxpayer identification number", "ts": "timestamp", "txn": "transaction", "typ": "type",
        "undrwn": "undrawn", "updt": "updated", "util": "utilized", "val": "value", "ytd": "year to date",
        "yld": "yield", "zip": "postal code", "ssn": "social security number", "naics": "naics industry",
        "kyc": "know your customer", "pep": "politically exposed person", "lei": "legal entity identifier",
        "qtr": "quarter", "lob": "line of business", "expr": "expiration", "spec": "specific", "hist": "history",
        "ccf": "credit conversion factor", "scr": "score", "mrtl": "marital", "cnty": "county", "tot": "total",
        "fin": "financial", "stmt": "statement", "inc": "income", "mgr": "manager", "nrml": "normal",
        "subldgr": "subledger", "unamort": "unamortized", "onbrd": "onboarding",
        "yr": "year", "min": "minimum", "max": "maximum", "dt_tm": "timestamp",
    ])
}
