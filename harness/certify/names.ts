/** The files certify writes beside the reports in its output folder (a used folder loses them too). */
export const BUNDLE = 'certification.tar.gz';
/** beside the bundle when certify made its own key (no --key) */
export const PUBLIC_KEY = 'certification.pub.pem';
