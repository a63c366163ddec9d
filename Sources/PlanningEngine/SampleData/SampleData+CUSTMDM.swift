extension SampleData {
    /// Customer master data: parties, addresses, contacts, identifiers and relationships; holds most
    /// of the personal data in the catalog.
    static let customerCatalogRows = """
        # id|table|column|type|description|samples
        pde-0501|CUST|CUST_ID|VARCHAR(12)|Customer identifier (golden record)|C000123456;C000998877
        pde-0502|CUST|CUST_TYP_CD|CHAR(1)|I individual, B business|I;B
        pde-0503|CUST|CUST_LGL_NM|VARCHAR(120)|Registered legal name of the party|Acme Widgets Holdings LLC;Jane Q Doe
        pde-0504|CUST|CUST_SHRT_NM|VARCHAR(30)|Short name for screens|ACME WIDGETS
        pde-0505|CUST|DBA_NM|VARCHAR(120)||Acme Tools
        pde-0506|CUST|FRST_NM|VARCHAR(40)|Given name (individuals)|Jane
        pde-0507|CUST|LAST_NM|VARCHAR(40)|Family name (individuals)|Doe
        pde-0508|CUST|MID_NM|VARCHAR(40)||Q
        pde-0509|CUST|TAX_ID_NBR|VARCHAR(11)|Tax identifier (EIN or SSN)|12-3456789;123-45-6789
        pde-0510|CUST|TAX_ID_TYP_CD|CHAR(1)|E EIN, S SSN, F foreign|E;S
        pde-0511|CUST|BIRTH_DT|DATE|Date of birth (individuals)|1971-04-12
        pde-0512|CUST|NAICS_CD|CHAR(6)|Primary NAICS industry|332510;531120
        pde-0513|CUST|SIC_CD|CHAR(4)|Legacy SIC industry|3429
        pde-0514|CUST|CNTRY_INC_CD|CHAR(2)|Country of incorporation|US;KY
        pde-0515|CUST|STK_EXCH_CD|VARCHAR(8)|Exchange where primary equity listed|NYSE;NASDAQ
        pde-0516|CUST|TCKR_SYM|VARCHAR(8)|Ticker|ACME
        pde-0517|CUST|LEI_CD|CHAR(20)|LEI|5493001KJTIIGC8Y1R12
        pde-0518|CUST|CUSIP_NBR|CHAR(9)|Issuer CUSIP|00123X104
        pde-0519|CUST|ONBRD_DT|DATE|Relationship start|2015-02-11
        pde-0520|CUST|KYC_STAT_CD|CHAR(2)|KYC review status|OK;RV
        pde-0521|CUST|PEP_FLG|CHAR(1)|Politically exposed person|N
        pde-0522|CUST|EMPL_CNT|INTEGER|Number of employees|250
        pde-0523|CUST|ANNL_REV_AMT|DECIMAL(18,2)|Annual sales or revenue|48000000.00
        pde-0524|CUST|PRNT_CUST_ID|VARCHAR(12)|Ultimate parent customer|C000100001
        pde-0525|CUST|GNDR_CD|CHAR(1)||F;M
        pde-0526|CUST|CITZN_CNTRY_CD|CHAR(2)|Citizenship (individuals)|US
        pde-0527|CUST|RISK_SEG_CD|VARCHAR(4)|Credit risk segment|LC;MM
        pde-0528|CUST|CUST_STAT_CD|CHAR(1)|Active, inactive, deceased|A;I
        pde-0529|CUST|FICO_SCR|SMALLINT|Bureau score (individuals)|742
        pde-0530|CUST|MRTL_STAT_CD|CHAR(1)|Marital status|M;S
        pde-0531|CUST|INT_OBLGR_ID|VARCHAR(16)|Obligor number used by the rating system|OB-55102
        pde-0541|CUST_ADDR|CUST_ID|VARCHAR(12)||C000123456
        pde-0542|CUST_ADDR|ADDR_TYP_CD|CHAR(2)|Address type: legal, mailing, principal place of business|LG;ML;PB
        pde-0543|CUST_ADDR|ADDR_LINE1|VARCHAR(80)|Street address|100 Main Street;42 Harbor Blvd
        pde-0544|CUST_ADDR|ADDR_LINE2|VARCHAR(80)||Suite 400
        pde-0545|CUST_ADDR|CITY_NM|VARCHAR(40)|City|Springfield;Houston
        pde-0546|CUST_ADDR|ST_CD|CHAR(2)|State or province|IL;TX
        pde-0547|CUST_ADDR|ZIP_CD|VARCHAR(10)|ZIP or postal code|62701;77002-1234
        pde-0548|CUST_ADDR|CNTRY_CD|CHAR(2)|ISO country|US;CA
        pde-0549|CUST_ADDR|ADDR_EFF_DT|DATE|Address valid from|2015-02-11
        pde-0550|CUST_ADDR|CNTY_NM|VARCHAR(40)|County|Sangamon
        pde-0561|CUST_CONTACT|CUST_ID|VARCHAR(12)||C000123456
        pde-0562|CUST_CONTACT|EMAIL_ADDR|VARCHAR(120)||jane.doe@example.com
        pde-0563|CUST_CONTACT|PHN_NBR|VARCHAR(20)|Primary phone|+1 217 555 0134
        pde-0564|CUST_CONTACT|MOBL_PHN_NBR|VARCHAR(20)||+1 217 555 0199
        pde-0565|CUST_CONTACT|CONTACT_NM|VARCHAR(80)|Contact person at the customer|John Roe
        pde-0566|CUST_CONTACT|PREF_CONTACT_CD|CHAR(1)|Preferred channel|E;P
        pde-0571|CUST_ACCT|CUST_ID|VARCHAR(12)||C000123456
        pde-0572|CUST_ACCT|ACCT_NBR|VARCHAR(17)|Deposit account number|004412339871;000918273645
        pde-0573|CUST_ACCT|ACCT_OPEN_DT|DATE||2016-08-30
        pde-0574|CUST_ACCT|ACCT_TYP_CD|CHAR(3)|DDA, SAV, CD|DDA;SAV
        pde-0575|CUST_ACCT|LEDGER_BAL_AMT|DECIMAL(18,2)|Deposit ledger balance|88213.55
        pde-0576|CUST_ACCT|ROUTING_NBR|CHAR(9)|ABA routing|071000013
        pde-0581|PARTY_REL|PRNT_CUST_ID|VARCHAR(12)||C000100001
        pde-0582|PARTY_REL|CHLD_CUST_ID|VARCHAR(12)||C000123456
        pde-0583|PARTY_REL|REL_TYP_CD|CHAR(2)|Relationship: subsidiary, guarantor, owner|SB;GU;OW
        pde-0584|PARTY_REL|OWNR_PCT|DECIMAL(9,6)|Ownership share|0.5100
        pde-0585|PARTY_REL|REL_EFF_DT|DATE||2018-01-01
        pde-0586|PARTY_REL|GUAR_AMT|DECIMAL(18,2)|Guaranteed amount|2000000.00
        pde-0591|CUST_FIN|CUST_ID|VARCHAR(12)||C000123456
        pde-0592|CUST_FIN|FIN_STMT_DT|DATE|Date of financial statements|2023-12-31
        pde-0593|CUST_FIN|NET_SALES_AMT|DECIMAL(18,2)|Net sales, current year|48000000.00
        pde-0594|CUST_FIN|NET_INC_AMT|DECIMAL(18,2)|Net income, current year|3200000.00
        pde-0595|CUST_FIN|TOT_ASSET_AMT|DECIMAL(18,2)|Total assets|61000000.00
        pde-0596|CUST_FIN|TOT_DEBT_AMT|DECIMAL(18,2)|Total debt|22000000.00
        pde-0597|CUST_FIN|EBITDA_AMT|DECIMAL(18,2)|EBITDA|7400000.00
        pde-0598|CUST_FIN|CASH_AMT|DECIMAL(18,2)|Cash and marketable securities|5100000.00
        """
}
