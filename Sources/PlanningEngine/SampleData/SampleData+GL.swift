extension SampleData {
    /// General ledger: accounts, balances, journals and the loan subledger; shares several words
    /// (balance, charge-off, currency, line of business) with the loan system on purpose.
    static let glCatalogRows = """
        # id|table|column|type|description|samples
        pde-0301|GL_ACCT|ACCT_NBR|VARCHAR(12)|General ledger account|101200;140500;410010
        pde-0302|GL_ACCT|ACCT_DESC|VARCHAR(80)|Account title|Commercial loans - C&I;Interest income - loans
        pde-0303|GL_ACCT|ACCT_TYP_CD|CHAR(1)|A asset, L liability, E equity, R revenue, X expense|A;L;R
        pde-0304|GL_ACCT|CO_CD|CHAR(4)|Legal entity|1000;2000
        pde-0305|GL_ACCT|CC_CD|VARCHAR(8)|Cost center|CC4410
        pde-0306|GL_ACCT|LOB_CD|VARCHAR(8)|Line of business rollup|CIB;CML
        pde-0307|GL_ACCT|Y9C_LINE_CD|VARCHAR(12)|FR Y-9C schedule and line the account rolls up to|HC-C 4.a;HI 1.a
        pde-0308|GL_ACCT|RGLTRY_RPT_CD|VARCHAR(10)|Regulatory report mapping|Y14Q;CALL
        pde-0309|GL_ACCT|ACTV_FLG|CHAR(1)|Account active|Y;N
        pde-0310|GL_ACCT|OPEN_DT|DATE|Date the account was opened|2001-01-01
        pde-0311|GL_ACCT|CCY_CD|CHAR(3)|Account currency|USD
        pde-0312|GL_ACCT|NRML_BAL_CD|CHAR(1)|Normal balance side|D;C
        pde-0313|GL_ACCT|PRNT_ACCT_NBR|VARCHAR(12)|Parent account in the hierarchy|140000
        pde-0321|GL_BAL|ACCT_NBR|VARCHAR(12)||140500
        pde-0322|GL_BAL|PRD_END_DT|DATE|Accounting period end|2024-03-31
        pde-0323|GL_BAL|BEG_BAL_AMT|DECIMAL(18,2)|Opening balance of the period|1530442100.00
        pde-0324|GL_BAL|END_BAL_AMT|DECIMAL(18,2)|Closing balance of the period|1544870055.12
        pde-0325|GL_BAL|DR_AMT|DECIMAL(18,2)|Period debits|88100232.10
        pde-0326|GL_BAL|CR_AMT|DECIMAL(18,2)|Period credits|73672276.98
        pde-0327|GL_BAL|NET_CHG_AMT|DECIMAL(18,2)|Net change in period|14427955.12
        pde-0328|GL_BAL|YTD_BAL_AMT|DECIMAL(18,2)|Year-to-date balance|1544870055.12
        pde-0329|GL_BAL|AVG_BAL_AMT|DECIMAL(18,2)|Average daily balance of the period|1538201400.00
        pde-0330|GL_BAL|CCY_CD|CHAR(3)|Transaction currency|USD;EUR
        pde-0331|GL_BAL|FX_RT|DECIMAL(18,8)|Exchange rate to USD at period end|1.00000000;1.08120000
        pde-0332|GL_BAL|LCL_CCY_BAL_AMT|DECIMAL(18,2)|Balance in local currency|1429000000.00
        pde-0333|GL_BAL|CO_CD|CHAR(4)||1000
        pde-0334|GL_BAL|CC_CD|VARCHAR(8)||CC4410
        pde-0341|GL_JRNL|JRNL_ID|VARCHAR(20)|Journal entry|JE-2024-031-00981
        pde-0342|GL_JRNL|JRNL_LN_NBR|INTEGER|Line within the journal entry|1;2
        pde-0343|GL_JRNL|POST_DT|DATE|Posting date|2024-03-29
        pde-0344|GL_JRNL|EFF_DT|DATE|Effective (value) date|2024-03-29
        pde-0345|GL_JRNL|ACCT_NBR|VARCHAR(12)||140500
        pde-0346|GL_JRNL|DR_CR_IND|CHAR(1)|Debit or credit|D;C
        pde-0347|GL_JRNL|TXN_AMT|DECIMAL(18,2)|Amount of the journal line|250000.00
        pde-0348|GL_JRNL|JRNL_DESC|VARCHAR(120)|Journal line narrative|Charge-off FAC-004411
        pde-0349|GL_JRNL|SRC_CD|VARCHAR(6)|Feeding subledger|LNS;DEP
        pde-0350|GL_JRNL|APPRV_USER_ID|VARCHAR(30)|Approver|MCHEN
        pde-0351|GL_JRNL|RVRSL_FLG|CHAR(1)|Reversing entry|Y;N
        pde-0352|GL_JRNL|CHRG_OFF_FLG|CHAR(1)|Journal line records a charge-off|Y;N
        pde-0353|GL_JRNL|CCY_CD|CHAR(3)||USD
        pde-0361|GL_LN_SUBLDGR|LN_ID|VARCHAR(20)|Loan account key|LN00012345
        pde-0362|GL_LN_SUBLDGR|GL_ACCT_NBR|VARCHAR(12)|Ledger account of the loan|140500
        pde-0363|GL_LN_SUBLDGR|PRIN_BAL_AMT|DECIMAL(18,2)|Principal balance per ledger|1250000.00
        pde-0364|GL_LN_SUBLDGR|INT_RCVBL_AMT|DECIMAL(18,2)|Interest receivable per ledger|10432.19
        pde-0365|GL_LN_SUBLDGR|CHRG_OFF_AMT|DECIMAL(18,2)|Charge-offs posted in the period|0.00
        pde-0366|GL_LN_SUBLDGR|RCVRY_AMT|DECIMAL(18,2)|Recoveries posted in the period|0.00
        pde-0367|GL_LN_SUBLDGR|ALLW_AMT|DECIMAL(18,2)|Allowance for credit losses allocated|18750.00
        pde-0368|GL_LN_SUBLDGR|POST_DT|DATE||2024-03-31
        pde-0369|GL_LN_SUBLDGR|UNAMORT_FEE_AMT|DECIMAL(18,2)|Unamortized fees|-2688.60
        pde-0370|GL_LN_SUBLDGR|NON_ACCR_INT_AMT|DECIMAL(18,2)|Interest not accrued on non-accrual loans|0.00
        pde-0371|GL_LN_SUBLDGR|CO_CD|CHAR(4)||1000
        pde-0381|GL_FX_RT|CCY_CD|CHAR(3)|ISO 4217 currency|EUR;GBP;JPY
        pde-0382|GL_FX_RT|RT_DT|DATE|Rate date|2024-03-31
        pde-0383|GL_FX_RT|FX_RT|DECIMAL(18,8)|Units of USD per unit of currency|1.08120000
        pde-0384|GL_FX_RT|RT_TYP_CD|CHAR(3)|Spot, average or historical|SPT;AVG
        pde-0391|GL_CC|CC_CD|VARCHAR(8)|Cost center|CC4410
        pde-0392|GL_CC|CC_NM|VARCHAR(60)|Cost center name|Corporate Banking - East
        pde-0393|GL_CC|LOB_CD|VARCHAR(8)|Line of business|CIB
        pde-0394|GL_CC|LOB_NM|VARCHAR(60)|Line of business name|Corporate & Investment Banking
        pde-0395|GL_CC|MGR_EMPL_ID|VARCHAR(10)|Manager employee number|E20019
        """
}
