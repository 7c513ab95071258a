package client

import imsregion "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ims/v2/region"

func sdkRegionErr(id string) (bool, string) {
	r, err := imsregion.SafeValueOf(id)
	if err != nil {
		return false, err.Error()
	}
	return r != nil, ""
}
