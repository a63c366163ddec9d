extension SampleData {
    /// Loan servicing system: cryptic abbreviated names, several near-duplicates across tables.
    static let lnsCatalogRows = """
        # id|table|column|type|description|samples
        pde-0001|LN_MASTER|LN_ID|VARCHAR(20)|Loan account key|LN00012345;LN00098211
        pde-0002|LN_MASTER|FAC_ID|VARCHAR(20)|Internal credit facility identifier|FAC-004411;FAC-019283
        pde-0003|LN_MASTER|ORIG_FAC_ID|VARCHAR(20)|Facility identifier before renewal or restructuring|FAC-001002
        pde-0004|LN_MASTER|CUST_ID|VARCHAR(12)|Borrower key (FK to CUSTMDM)|C000123456
        pde-0005|LN_MASTER|OBLGR_ID|VARCHAR(16)|Obligor identifier from the internal rating system|OB-55102;OB-10077
        pde-0006|LN_MASTER|ORIG_DT|DATE|Date the loan was originated|2019-06-14;2021-11-02
        pde-0007|LN_MASTER|ORIG_MTRTY_DT|DATE|Maturity date at origination, before any extension|2024-06-14
        pde-0008|LN_MASTER|MTRTY_DT|DATE|Current contractual maturity date|2026-06-14;2029-01-31
        pde-0009|LN_MASTER|BOOK_DT|DATE||2019-06-17
        pde-0010|LN_MASTER|FAC_TYP_CD|CHAR(2)|Facility type|1;2;3
        pde-0011|LN_MASTER|FAC_PURP_CD|CHAR(2)|Purpose of the facility|1;4
        pde-0012|LN_MASTER|LOB_CD|VARCHAR(8)|Originating line of business|CIB;CML;MMK
        pde-0013|LN_MASTER|CCY_CD|CHAR(3)|ISO currency of the facility|USD;EUR;GBP
        pde-0014|LN_MASTER|PRTCP_FLG|CHAR(1)|Participation purchased indicator|Y;N
        pde-0015|LN_MASTER|LIEN_POS_CD|CHAR(1)|Lien position on collateral|1;2;4
        pde-0016|LN_MASTER|SYND_FLG|CHAR(1)|Syndicated loan indicator|Y;N
        pde-0017|LN_MASTER|RNWL_DT|DATE|Most recent renewal date|2023-06-14
        pde-0018|LN_MASTER|NON_ACCR_DT|DATE|Date placed on non-accrual|2023-09-30
        pde-0019|LN_MASTER|NON_ACCR_FLG|CHAR(1)|Non-accrual status flag|Y;N
        pde-0020|LN_MASTER|GUAR_FLG|CHAR(1)|Third-party guarantee indicator|Y;N
        pde-0021|LN_MASTER|GUAR_CUST_ID|VARCHAR(12)|Customer key of the guarantor|C000998877
        pde-0022|LN_MASTER|BRNCH_CD|VARCHAR(6)|Booking branch|NY01;CHI2
        pde-0023|LN_MASTER|OFCR_ID|VARCHAR(10)|Relationship officer|E10233
        pde-0024|LN_MASTER|PROD_CD|VARCHAR(6)|Product|CRE01;CI02
        pde-0025|LN_MASTER|LN_STAT_CD|CHAR(2)|Loan status|AC;PO;CO
        pde-0026|LN_MASTER|PRPY_PNLTY_FLG|CHAR(1)|Prepayment penalty applies|Y;N
        pde-0027|LN_MASTER|LEV_LN_FLG|CHAR(1)|Leveraged lending indicator|Y;N
        pde-0028|LN_MASTER|TERM_MO|INTEGER|Original term in months|60;84
        pde-0029|LN_MASTER|AMORT_TYP_CD|CHAR(2)|Amortization type|AM;IO;BL
        pde-0030|LN_MASTER|PMT_FREQ_CD|CHAR(1)|Payment frequency|M;Q
        pde-0031|LN_MASTER|NXT_PMT_DT|DATE|Next payment due date|2024-04-30
        pde-0032|LN_MASTER|FRST_PMT_DT|DATE||2019-07-31
        pde-0033|LN_MASTER|PAYOFF_DT|DATE|Date the loan was paid off or closed|
        pde-0034|LN_MASTER|CMTMT_EXPR_DT|DATE|Date the commitment to lend expires|2025-06-14
        pde-0035|LN_MASTER|RISK_CNTRY_CD|CHAR(2)|Country of risk|US;CA
        pde-0036|LN_MASTER|SRC_SYS_CD|VARCHAR(6)|Source system|LNS
        pde-0041|LN_BAL|LN_ID|VARCHAR(20)|Loan account key|LN00012345
        pde-0042|LN_BAL|AS_OF_DT|DATE|Balance snapshot date|2024-03-31
        pde-0043|LN_BAL|LN_CURR_BAL_AMT|DECIMAL(18,2)|Current principal balance outstanding|1250000.00;873411.25
        pde-0044|LN_BAL|LN_ORIG_BAL_AMT|DECIMAL(18,2)|Principal balance at funding|2000000.00
        pde-0045|LN_BAL|CMTMT_AMT|DECIMAL(18,2)|Total committed amount, drawn plus undrawn|5000000.00
        pde-0046|LN_BAL|UNDRWN_CMTMT_AMT|DECIMAL(18,2)|Unused portion of the commitment|3750000.00
        pde-0047|LN_BAL|UTIL_AMT|DECIMAL(18,2)|Drawn amount of the commitment|1250000.00
        pde-0048|LN_BAL|ACCR_INT_AMT|DECIMAL(18,2)|Accrued interest receivable|10432.19
        pde-0049|LN_BAL|CHRG_OFF_CUM_AMT|DECIMAL(18,2)|Life-to-date charge-offs|0.00;250000.00
        pde-0050|LN_BAL|CHRG_OFF_MTD_AMT|DECIMAL(18,2)|Charge-offs posted this month|0.00
        pde-0051|LN_BAL|RCVRY_CUM_AMT|DECIMAL(18,2)|Life-to-date recoveries|0.00
        pde-0052|LN_BAL|PRIN_PAST_DUE_AMT|DECIMAL(18,2)|Principal past due|0.00;12500.00
        pde-0053|LN_BAL|INT_PAST_DUE_AMT|DECIMAL(18,2)|Interest past due|0.00
        pde-0054|LN_BAL|LN_BOOK_BAL_AMT|DECIMAL(18,2)|Book balance including deferred fees and costs|1247311.40
        pde-0055|LN_BAL|FEE_DEFR_AMT|DECIMAL(18,2)|Net deferred fees|-2688.60
        pde-0056|LN_BAL|SPEC_RSRV_AMT|DECIMAL(18,2)|Specific reserve|0.00
        pde-0057|LN_BAL|CARRY_VAL_AMT|DECIMAL(18,2)|Carrying value|1247311.40
        pde-0058|LN_BAL|FAIR_VAL_AMT|DECIMAL(18,2)|Fair value (held for sale)|
        pde-0059|LN_BAL|ESCRW_BAL_AMT|DECIMAL(18,2)||0.00
        pde-0060|LN_BAL|AVG_BAL_MTD_AMT|DECIMAL(18,2)|Average daily balance, month to date|1251200.00
        pde-0061|LN_HIST|LN_ID|VARCHAR(20)||LN00012345
        pde-0062|LN_HIST|MO_END_DT|DATE|Month-end date of the history row|2024-02-29
        pde-0063|LN_HIST|LN_CURR_BAL_AMT|DECIMAL(18,2)|Principal balance at month end|1262500.00
        pde-0064|LN_HIST|CMTMT_AMT|DECIMAL(18,2)|Commitment at month end|5000000.00
        pde-0065|LN_HIST|DPD_CNT|INTEGER|Days past due at month end|0;31
        pde-0066|LN_HIST|INT_RT|DECIMAL(9,6)|Rate at month end|0.0725
        pde-0071|LN_RATE|LN_ID|VARCHAR(20)||LN00012345
        pde-0072|LN_RATE|INT_RT|DECIMAL(9,6)|Current interest rate|0.0725;0.0615
        pde-0073|LN_RATE|ORIG_INT_RT|DECIMAL(9,6)|Interest rate at origination|0.0550
        pde-0074|LN_RATE|INT_RT_TYP_CD|CHAR(1)|Rate variability: F fixed, V variable, M mixed|F;V;M
        pde-0075|LN_RATE|INT_RT_IDX_CD|VARCHAR(8)|Rate index|SOFR;PRIME
        pde-0076|LN_RATE|INT_RT_SPRD|DECIMAL(9,6)|Margin over index|0.0225
        pde-0077|LN_RATE|INT_RT_CEIL|DECIMAL(9,6)|Rate cap|0.1200
        pde-0078|LN_RATE|INT_RT_FLR|DECIMAL(9,6)|Minimum rate|0.0300
        pde-0079|LN_RATE|RT_RESET_DT|DATE|Next rate reset|2024-04-01
        pde-0080|LN_RATE|RT_RESET_FREQ_CD|CHAR(1)|Reset frequency|M;Q
        pde-0081|LN_RATE|DFLT_INT_RT|DECIMAL(9,6)|Penalty rate charged after default|0.0925
        pde-0082|LN_RATE|EFF_YLD_PCT|DECIMAL(9,6)|Effective yield|0.0741
        pde-0083|LN_RATE|IDX_RT_VAL|DECIMAL(9,6)|Current value of the index|0.0530
        pde-0084|LN_RATE|FLR_RT_IDX|DECIMAL(9,6)|Floor on the index rate|0.0000
        pde-0091|LN_COLL|COLL_ID|VARCHAR(20)|Collateral item|COL-7781
        pde-0092|LN_COLL|LN_ID|VARCHAR(20)||LN00012345
        pde-0093|LN_COLL|COLL_TYP_CD|CHAR(2)|Collateral type: RE, AR, EQ, CA|RE;AR;EQ
        pde-0094|LN_COLL|COLL_MKT_VAL_AMT|DECIMAL(18,2)|Current market value|3100000.00
        pde-0095|LN_COLL|COLL_ORIG_VAL_AMT|DECIMAL(18,2)|Appraised value at origination|2800000.00
        pde-0096|LN_COLL|COLL_VAL_DT|DATE|Date of last appraisal|2023-12-01
        pde-0097|LN_COLL|LTV_RATIO|DECIMAL(9,6)|Current LTV|0.4032
        pde-0098|LN_COLL|LIEN_PRTY_NBR|SMALLINT|Priority of the lien on this item|1;2
        pde-0099|LN_COLL|PROP_ST_CD|CHAR(2)|Property state|NY;TX
        pde-0100|LN_COLL|PROP_ZIP_CD|CHAR(5)|Property postal code|10017;75201
        pde-0101|LN_COLL|ORIG_LTV_RATIO|DECIMAL(9,6)|LTV at origination|0.7143
        pde-0111|LN_DLQ|LN_ID|VARCHAR(20)||LN00012345
        pde-0112|LN_DLQ|DPD_CNT|INTEGER|Days principal or interest is past due|0;15;92
        pde-0113|LN_DLQ|DLQ_BKT_CD|CHAR(2)|Delinquency bucket|00;30;60;90
        pde-0114|LN_DLQ|TIMES_30DPD_12M_CNT|INTEGER|Times 30+ days past due in last 12 months|0;1
        pde-0115|LN_DLQ|LST_PMT_DT|DATE|Last payment received|2024-03-29
        pde-0116|LN_DLQ|LST_PMT_AMT|DECIMAL(18,2)|Amount of last payment|31250.00
        pde-0117|LN_DLQ|NON_ACCR_RSN_CD|CHAR(2)|Reason placed on non-accrual|DP;BK
        pde-0118|LN_DLQ|TDR_FLG|CHAR(1)|Modified as troubled debt restructuring|Y;N
        pde-0119|LN_DLQ|DFLT_DT|DATE|Date of default event|
        pde-0120|LN_DLQ|PAST_DUE_DT|DATE|Date the loan first became past due|2024-02-29
        pde-0131|LN_RISK|LN_ID|VARCHAR(20)||LN00012345
        pde-0132|LN_RISK|OBLGR_RISK_RTG|VARCHAR(4)|Internal obligor grade|4+;5;6-
        pde-0133|LN_RISK|FAC_RISK_RTG|VARCHAR(4)|Facility grade|4;5
        pde-0134|LN_RISK|PD_PCT|DECIMAL(9,6)|One-year PD|0.0125;0.0310
        pde-0135|LN_RISK|LGD_PCT|DECIMAL(9,6)|Downturn LGD|0.3500
        pde-0136|LN_RISK|EAD_AMT|DECIMAL(18,2)|EAD estimate|3820000.00
        pde-0137|LN_RISK|RTG_DT|DATE|Date of last rating review|2024-01-15
        pde-0138|LN_RISK|PD_MODEL_CD|VARCHAR(8)|PD model used|CORP3;MM2
        pde-0139|LN_RISK|STRESS_PD_PCT|DECIMAL(9,6)|PD under the severely adverse scenario|0.0620
        pde-0140|LN_RISK|RTG_SCALE_CD|VARCHAR(4)|Rating scale|MS10
        pde-0141|LN_RISK|PRIOR_OBLGR_RISK_RTG|VARCHAR(4)|Obligor grade at the previous review|5
        pde-0142|LN_RISK|CCF_PCT|DECIMAL(9,6)|Credit conversion factor|0.7500
        pde-0143|LN_RISK|WATCH_LIST_FLG|CHAR(1)|On watch list|Y;N
        pde-0144|LN_RISK|RISK_CNTRY_CD|CHAR(2)|Country of risk per credit policy|US
        """
}
