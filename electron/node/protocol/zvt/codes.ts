/**
 * Byte codes the terminal reports, as data with short texts for a store manager.
 * Result codes: PA00P015 chapter 10 (Error-Messages), carried in BMP 27, in Abort 06 1E and in
 * the APRC of a negative acknowledgement 84 xx. Terminal status codes: chapter 11 (the byte of the
 * Status Enquiry completion). Intermediate status: table 17 of chapter 3.7 (Intermediate Status
 * Information 04 FF). Card types: chapter 12.
 */
export interface CodeText {
  zh: string;
  en: string;
}

export interface ResultCodeInfo extends CodeText {
  code: number;
}

const t = (en: string, zh: string): CodeText => ({ en, zh });

export const RESULT_CODES: ReadonlyMap<number, CodeText> = new Map<number, CodeText>([
  [0x00, t('No error', '成功')],
  [0x64, t('Card not readable', '卡片无法读取')],
  [0x65, t('No card data (no track or chip found)', '未读到卡片数据')],
  [0x66, t('Processing error (card reader)', '处理错误（读卡器）')],
  [0x67, t('Function not permitted for debit/Maestro cards', '借记卡/Maestro 卡不支持此功能')],
  [0x68, t('Function not permitted for credit/fuel cards', '信用卡/加油卡不支持此功能')],
  [0x6a, t('Turnover file full', '交易记录已满')],
  [0x6b, t('Function deactivated (terminal not registered)', '功能未启用（终端未注册）')],
  [0x6c, t('Aborted by timeout or abort key', '超时或按取消键中止')],
  [0x6e, t('Card on blocked list', '卡片在黑名单中')],
  [0x6f, t('Wrong currency', '币种错误')],
  [0x71, t('Not enough credit on chip card', '芯片卡余额不足')],
  [0x72, t('Chip error', '芯片错误')],
  [0x73, t('Card data incorrect', '卡片数据错误')],
  [0x74, t('DUKPT engine exhausted', 'DUKPT 密钥已用尽')],
  [0x75, t('Text not authentic', '文本未通过验证')],
  [0x76, t('Card number not on white list', '卡号不在白名单中')],
  [0x77, t('End-of-day not possible', '无法日结')],
  [0x78, t('Card expired', '卡片已过期')],
  [0x79, t('Card not yet valid', '卡片尚未生效')],
  [0x7a, t('Card unknown', '未知卡片')],
  [0x7b, t('Fallback to magnetic stripe not possible (girocard)', '无法改用磁条（girocard）')],
  [0x7c, t('Fallback to magnetic stripe not possible', '无法改用磁条')],
  [0x7d, t('Communication error (modem not answering)', '通讯错误（通讯模块无响应）')],
  [0x7e, t('Fallback to magnetic stripe not possible, debit advice possible', '无法改用磁条，可做借记通知')],
  [0x83, t('Function not possible', '功能不可用')],
  [0x85, t('Key missing', '缺少密钥')],
  [0x89, t('PIN pad defective', '密码键盘故障')],
  [0x9a, t('Protocol error', '协议错误')],
  [0x9b, t('Dial-up / communication fault', '拨号/通讯故障')],
  [0x9c, t('Please wait', '请稍候')],
  [0xa0, t('Receiver not ready', '接收方未就绪')],
  [0xa1, t('Remote station does not respond', '远端无响应')],
  [0xa3, t('No connection', '无连接')],
  [0xa4, t('Geldkarte submission not possible', '无法提交 Geldkarte')],
  [0xa5, t('Not allowed by PCI-DSS/P2PE rules', '受 PCI-DSS/P2PE 规则限制')],
  [0xb1, t('Memory full', '存储已满')],
  [0xb2, t('Merchant journal full', '商户流水已满')],
  [0xb4, t('Already reversed', '已撤销')],
  [0xb5, t('Reversal not possible', '无法撤销')],
  [0xb7, t('Pre-authorisation incorrect or amount wrong', '预授权错误或金额有误')],
  [0xb8, t('Pre-authorisation error', '预授权出错')],
  [0xbf, t('Power supply voltage too low', '供电电压过低')],
  [0xc0, t('Card locking mechanism defective', '卡锁定机构故障')],
  [0xc1, t('Merchant card locked', '商户卡已锁定')],
  [0xc2, t('Diagnosis required', '需要诊断')],
  [0xc3, t('Maximum amount exceeded', '超过最大金额')],
  [0xc4, t('Card profile invalid, load new profiles', '卡参数无效，需要更新')],
  [0xc5, t('Payment method not supported', '不支持该支付方式')],
  [0xc6, t('Currency not applicable', '币种不适用')],
  [0xc8, t('Amount too small', '金额过小')],
  [0xc9, t('Maximum transaction amount too small', '最大交易金额过小')],
  [0xcb, t('Function only allowed in euro', '仅支持欧元')],
  [0xcc, t('Printer not ready', '打印机未就绪')],
  [0xcd, t('Cashback not possible', '不支持返现')],
  [0xd2, t('Not permitted for service cards', '服务卡不支持此功能')],
  [0xdc, t('Card inserted', '卡片已插入')],
  [0xdd, t('Card eject error', '退卡出错')],
  [0xde, t('Card insertion error', '插卡出错')],
  [0xe0, t('Remote maintenance active', '远程维护中')],
  [0xe2, t('Card reader not answering or defective', '读卡器无响应或故障')],
  [0xe3, t('Shutter closed', '卡口挡板关闭')],
  [0xe4, t('Terminal activation required', '终端需要激活')],
  [0xe7, t('At least one goods group not found', '未找到商品组')],
  [0xe8, t('No goods group table loaded', '未加载商品组表')],
  [0xe9, t('Restriction code not permitted', '限制代码不允许')],
  [0xea, t('Card code not permitted', '卡代码不允许')],
  [0xeb, t('PIN algorithm unknown', '未知的密码算法')],
  [0xec, t('PIN processing not possible', '无法处理密码')],
  [0xed, t('PIN pad defective', '密码键盘故障')],
  [0xf0, t('Open end-of-day batch present', '有未完成的日结')],
  [0xf1, t('Offline error (ec-cash/Maestro)', '脱机交易错误')],
  [0xf5, t('OPT error', 'OPT 错误')],
  [0xf6, t('OPT data not available (personalisation required)', '缺少 OPT 数据（需个性化）')],
  [0xfa, t('Error sending offline transactions', '上送脱机交易出错')],
  [0xfb, t('Turnover data set defective', '交易数据损坏')],
  [0xfc, t('Necessary device missing or defective', '必要设备缺失或故障')],
  [0xfd, t('Baud rate not supported', '不支持该波特率')],
  [0xfe, t('Register unknown', '未知寄存器')],
  [0xff, t('System error', '系统错误')],
]);

/** Result code -> texts. 01..63 hex (1..99) come from the card issuer's host (chapter 10). */
export function describeResultCode(code: number): ResultCodeInfo {
  const known = RESULT_CODES.get(code);
  if (known) return { code, ...known };
  if (code >= 0x01 && code <= 0x63) {
    return { code, en: `Declined by the card issuer's host (code ${code})`, zh: `发卡行主机拒绝（代码 ${code}）` };
  }
  return { code, en: `Unknown result code 0x${hex(code)}`, zh: `未知结果代码 0x${hex(code)}` };
}

export interface TerminalStatusInfo extends CodeText {
  code: number;
  /** Chapter 11.1 recovery action, where the spec names one. */
  action?: CodeText;
  /** The terminal can take payments in this state. */
  ready: boolean;
}

const TERMINAL_STATUS: ReadonlyMap<number, Omit<TerminalStatusInfo, 'code'>> = new Map([
  [0x00, { ...t('Ready', '就绪'), ready: true, action: t('No action required', '无需处理') }],
  [0x51, { ...t('Initialisation required', '需要初始化'), ready: false, action: t('Run initialisation', '执行初始化') }],
  [0x62, { ...t('Date/time incorrect', '日期/时间错误'), ready: false, action: t('Set date and time, or run diagnosis', '设置日期时间或执行诊断') }],
  [0x9c, { ...t('Please wait (e.g. software update running)', '请稍候（如软件更新中）'), ready: false, action: t('Wait, no action required', '等待即可') }],
  [0x9d, { ...t('Partial issue of goods', '部分出货'), ready: true }],
  [0xb1, { ...t('Memory full', '存储已满'), ready: false, action: t('Run end-of-day or call a technician', '执行日结或联系技术人员') }],
  [0xb2, { ...t('Merchant journal full', '商户流水已满'), ready: false, action: t('Read and delete journal files', '读取并删除流水文件') }],
  [0xbf, { ...t('Power supply voltage too low', '供电电压过低'), ready: false, action: t('Check the power adapter; call a technician', '检查电源适配器；联系技术人员') }],
  [0xc0, { ...t('Card locking mechanism defective', '卡锁定机构故障'), ready: false, action: t('Call a technician', '联系技术人员') }],
  [0xc1, { ...t('Merchant card locked', '商户卡已锁定'), ready: false, action: t('Set date/time or run diagnosis, then re-register', '设置日期时间或诊断后重新注册') }],
  [0xc2, { ...t('Diagnosis required', '需要诊断'), ready: false, action: t('Run diagnosis', '执行诊断') }],
  [0xc4, { ...t('Card profiles invalid', '卡参数无效'), ready: false, action: t('Run a software update or call a technician', '执行软件更新或联系技术人员') }],
  [0xcc, { ...t('Printer not ready', '打印机未就绪'), ready: false, action: t('Check paper and printer; call a technician', '检查纸张和打印机；联系技术人员') }],
  [0xdc, { ...t('Card inserted', '卡片已插入'), ready: true, action: t('Process the card or eject it with Abort', '处理该卡或用中止退卡') }],
  [0xdf, { ...t('Out of order', '终端停用'), ready: false, action: t('Call a technician', '联系技术人员') }],
  [0xe0, { ...t('Remote maintenance active', '远程维护中'), ready: false, action: t('Call a technician', '联系技术人员') }],
  [0xe1, { ...t('Card not completely removed', '卡片未完全取出'), ready: false, action: t('Remove the card completely', '完全取出卡片') }],
  [0xe2, { ...t('Card reader not answering or defective', '读卡器无响应或故障'), ready: false, action: t('Call a technician', '联系技术人员') }],
  [0xe3, { ...t('Shutter closed', '卡口挡板关闭'), ready: false }],
  [0xe4, { ...t('Terminal activation required', '终端需要激活'), ready: false, action: t('Call a technician', '联系技术人员') }],
  [0xf0, { ...t('Reconciliation required', '需要对账'), ready: false, action: t('Run end-of-day', '执行日结') }],
  [0xf6, { ...t('OPT data not available', '缺少 OPT 数据'), ready: false, action: t('Start OPT action', '执行 OPT 操作') }],
]);

export function describeTerminalStatus(code: number): TerminalStatusInfo {
  const known = TERMINAL_STATUS.get(code);
  if (known) return { code, ...known };
  return { code, en: `Unknown terminal status 0x${hex(code)}`, zh: `未知终端状态 0x${hex(code)}`, ready: false };
}

export const TERMINAL_STATUS_CODES: ReadonlyMap<number, Omit<TerminalStatusInfo, 'code'>> = TERMINAL_STATUS;

/** Table 17 (chapter 3.7). Codes 0x41..0x69 repeat 0x01..0x29 with "please remove card" added. */
const INTERMEDIATE: ReadonlyMap<number, CodeText> = new Map([
  [0x00, t('Waiting for amount confirmation', '等待确认金额')],
  [0x01, t('Please watch the PIN pad', '请看密码键盘')],
  [0x02, t('Please watch the PIN pad', '请看密码键盘')],
  [0x03, t('Not accepted', '操作不可用')],
  [0x04, t('Waiting for the payment host', '等待支付主机响应')],
  [0x05, t('Sending auto-reversal', '正在自动冲正')],
  [0x06, t('Sending post-bookings', '正在补发交易')],
  [0x07, t('Card not admitted', '卡片不被接受')],
  [0x08, t('Card unknown', '未知卡片')],
  [0x09, t('Card expired', '卡片已过期')],
  [0x0a, t('Insert card', '请插卡')],
  [0x0b, t('Please remove card', '请取卡')],
  [0x0c, t('Card not readable', '卡片无法读取')],
  [0x0d, t('Processing error', '处理中止')],
  [0x0e, t('Please wait…', '处理中，请稍候…')],
  [0x0f, t('Starting automatic end-of-day', '开始自动日结')],
  [0x10, t('Invalid card', '无效卡片')],
  [0x11, t('Balance display', '余额显示')],
  [0x12, t('System malfunction', '系统故障')],
  [0x13, t('Payment not possible', '无法支付')],
  [0x14, t('Credit not sufficient', '余额不足')],
  [0x15, t('Incorrect PIN', '密码错误')],
  [0x16, t('Limit not sufficient', '额度不足')],
  [0x17, t('Please wait…', '请稍候…')],
  [0x18, t('PIN try limit exceeded', '密码错误次数过多')],
  [0x19, t('Card data incorrect', '卡片数据错误')],
  [0x1a, t('Service mode', '服务模式')],
  [0x1b, t('Approved, please fill up', '授权成功，请加油')],
  [0x1c, t('Approved, please take goods', '支付成功，请取货')],
  [0x1d, t('Declined', '授权失败')],
  [0x26, t('Waiting for mobile number', '等待输入手机号')],
  [0x27, t('Waiting for mobile number repeat', '等待再次输入手机号')],
  [0x28, t('Currency selection, please wait…', '选择币种，请稍候…')],
  [0x29, t('Language selection, please wait…', '选择语言，请稍候…')],
  [0x2a, t('Insert card to load', '请插卡充值')],
  [0x2b, t('Emergency offline mode, please wait', '离线应急模式，请稍候')],
  [0x2c, t('Application selection, please wait', '选择应用，请稍候')],
  [0x68, t('Customer card inserted', '检测到插卡')],
  [0x69, t('Please select DCC', '请选择 DCC')],
  [0xc7, t('Waiting for mileage input', '等待输入里程')],
  [0xc8, t('Waiting for cashier', '等待收银员')],
  [0xc9, t('Starting automatic diagnosis', '开始自动诊断')],
  [0xca, t('Starting automatic initialisation', '开始自动初始化')],
  [0xcb, t('Merchant journal full', '商户流水已满')],
  [0xcc, t('Debit advice not possible, PIN required', '需输入密码')],
  [0xd2, t('Connecting to host', '正在连接主机')],
  [0xd3, t('Connected to host', '已连接主机')],
  [0xe0, t('Waiting for application selection', '等待选择应用')],
  [0xe1, t('Waiting for language selection', '等待选择语言')],
  [0xe2, t('Please use the cleaning card', '请使用清洁卡')],
  [0xf1, t('Offline', '离线')],
  [0xf2, t('Online', '在线')],
  [0xf3, t('Offline transaction', '离线交易')],
  [0xff, t('See terminal display text', '见终端显示文字')],
]);

export const INTERMEDIATE_STATUS_CODES: ReadonlyMap<number, CodeText> = INTERMEDIATE;

export function describeIntermediateStatus(code: number): CodeText & { code: number } {
  const known = INTERMEDIATE.get(code);
  if (known) return { code, ...known };
  // 0x41..0x67 are 0x01..0x27 plus "please remove card" (table 17).
  const base = code >= 0x41 && code <= 0x67 ? INTERMEDIATE.get(code - 0x40) : undefined;
  if (base) return { code, en: `${base.en}; please remove card`, zh: `${base.zh}；请取卡` };
  if (code === 0x4b) return { code, ...t('Please remove card', '请取卡') };
  return { code, en: `Terminal status 0x${hex(code)}`, zh: `终端状态 0x${hex(code)}` };
}

/** ZVT card-type IDs (chapter 12), the common ones; BMP 8A / TLV tag 41. */
export const CARD_TYPES: ReadonlyMap<number, string> = new Map([
  [2, 'ec-card'],
  [5, 'girocard'],
  [6, 'Mastercard'],
  [8, 'American Express'],
  [9, 'Debit advice (EuroELV)'],
  [10, 'Visa'],
  [11, 'VISA electron'],
  [12, 'Diners'],
  [13, 'V PAY'],
  [14, 'JCB'],
  [30, 'Geldkarte'],
  [46, 'Maestro'],
  [97, 'ALIPAY'],
  [107, 'ALIPAY @POS-Model 2'],
  [111, 'Instant Payment'],
  [196, 'Dankort'],
  [197, 'VISA/Dankort'],
  [198, 'CUP (UnionPay)'],
  [232, 'Discover Card'],
  [255, 'see TLV tag 41'],
]);

export function cardTypeName(id: number): string | undefined {
  return CARD_TYPES.get(id);
}

/** Card groups of BMP 60 single totals, in their order on the wire (chapter 3.1.3). */
export const TOTALS_CARD_GROUPS = ['girocard', 'jcb', 'eurocard', 'amex', 'visa', 'diners', 'other'] as const;
export type TotalsCardGroup = (typeof TOTALS_CARD_GROUPS)[number];

/**
 * The BMP 60 totals group a ZVT card type (BMP 8A) is counted in, so captured transactions and
 * end-of-day totals are compared per the same group. The spec names the groups, not the mapping:
 * Mastercard is the Eurocard group, V PAY and Visa Electron count as Visa, everything else as other.
 */
const TOTALS_GROUP_OF_CARD_TYPE: ReadonlyMap<number, TotalsCardGroup> = new Map([
  [2, 'girocard'],
  [5, 'girocard'],
  [6, 'eurocard'],
  [8, 'amex'],
  [10, 'visa'],
  [11, 'visa'],
  [13, 'visa'],
  [12, 'diners'],
  [14, 'jcb'],
]);

export function totalsGroupOfCardType(id: number | undefined): TotalsCardGroup {
  return (id === undefined ? undefined : TOTALS_GROUP_OF_CARD_TYPE.get(id)) ?? 'other';
}

function hex(code: number): string {
  return code.toString(16).padStart(2, '0').toUpperCase();
}
